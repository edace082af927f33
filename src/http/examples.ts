/**
 * Examples for the OpenAPI document: real after-sales data (an oven repair in Shanghai, in
 * Chinese and English), as the service answered them. By component schema (responses; a
 * page's example is built from its item's) and by operationId (request bodies).
 * test/openapi.test.ts validates every example against its schema, so none can drift.
 */
export const SCHEMA_EXAMPLES: Record<string, unknown> = {
  "ApiKey": {
    "id": "01a21ecf-8401-71e3-978d-4ad7ceb377ba",
    "name": "Salesforce sync",
    "role": "integration",
    "technician_id": null,
    "prefix": "ak_vHNJy2XO",
    "expires_at": null,
    "revoked_at": null,
    "last_used_at": null,
    "created_at": "2026-03-03T11:00:00.000Z",
    "updated_at": "2026-03-03T11:00:00.000Z",
    "version": 1
  },
  "TimelineEntry": {
    "id": "01a21ecf-8345-7195-880f-a3bb3f3aff3d",
    "at": "2026-03-02T09:00:00.000Z",
    "entry": "note",
    "action": null,
    "note_kind": "call",
    "visibility": "customer",
    "body": "已联系客户，预约明天上午上门 / visit booked for tomorrow morning",
    "data": {},
    "actor": {
      "kind": "api_key",
      "id": "01a21ecf-7cf6-73cd-97a3-4998728fa830",
      "role": "admin"
    }
  },
  "SlaBreach": {
    "id": "01a21ecf-841f-74be-9a10-7874b2bf3c84",
    "ticket_id": "01a21ecf-8405-71e7-9f67-2db310b6f74b",
    "metric": "resolution",
    "kind": "breach",
    "at": "2026-03-04T11:00:00.000Z",
    "recorded_at": "2026-03-06T11:00:00.000Z",
    "policy_id": "01900000-0000-7000-8000-000000000011",
    "target_minutes": 1440,
    "customer_id": "01a21ecf-8248-7354-8bff-fb89733448b4",
    "technician_id": "01a21ecf-82a0-740e-84cd-1bf8b2e4b6cc",
    "priority": "urgent",
    "tier": 1,
    "actions": [
      "escalate:1->3"
    ]
  },
  "JobRun": {
    "id": "01a21ecf-8418-71eb-837c-c0641a21165b",
    "job": "sla-sweep",
    "tick": "2026-03-06T11:00:00.000Z",
    "trigger": "manual",
    "instance": "vm:30188",
    "status": "succeeded",
    "started_at": "2026-03-06T11:00:00.000Z",
    "finished_at": "2026-03-06T11:00:00.000Z",
    "duration_ms": 22,
    "counts": {
      "batches": 1,
      "breaches": 2,
      "warnings": 0,
      "escalated": 1,
      "priority_raised": 0
    },
    "error": null
  },
  "CustomerChurnRisk": {
    "customer_id": "01a21ecf-8248-7354-8bff-fb89733448b4",
    "score": 7,
    "level": "low",
    "lifecycle_status": "active",
    "scored_at": "2026-03-06T11:00:00.000Z",
    "factors": [
      {
        "factor": "satisfaction",
        "value": 5,
        "normalized": 0,
        "weight": 25,
        "contribution": 0,
        "rule": "(5 − mean csat) / 4; no answers: 0"
      },
      {
        "factor": "satisfaction_trend",
        "value": null,
        "normalized": 0,
        "weight": 10,
        "contribution": 0,
        "rule": "drop of mean csat (earlier − last third of the window) / 2"
      },
      {
        "factor": "low_scores",
        "value": 0,
        "normalized": 0,
        "weight": 15,
        "contribution": 0,
        "rule": "answers with csat ≤ 2, / 2"
      },
      {
        "factor": "complaints",
        "value": 0,
        "normalized": 0,
        "weight": 15,
        "contribution": 0,
        "rule": "complaints / 2"
      },
      {
        "factor": "sla_breaches",
        "value": 2,
        "normalized": 0.667,
        "weight": 10,
        "contribution": 6.1,
        "rule": "SLA breaches suffered / 3"
      },
      {
        "factor": "reopened",
        "value": 0,
        "normalized": 0,
        "weight": 10,
        "contribution": 0,
        "rule": "tickets reopened / 2"
      },
      {
        "factor": "repeat_faults",
        "value": 0,
        "normalized": 0,
        "weight": 10,
        "contribution": 0,
        "rule": "repeat repairs on the same product / 2"
      },
      {
        "factor": "silence",
        "value": 3,
        "normalized": 0.017,
        "weight": 5,
        "contribution": 0.1,
        "rule": "days since last contact / window days"
      },
      {
        "factor": "open_ticket_age",
        "value": 3,
        "normalized": 0.1,
        "weight": 10,
        "contribution": 0.9,
        "rule": "age of the oldest open ticket in days / 30"
      }
    ],
    "history": [
      {
        "scored_at": "2026-03-06T11:00:00.000Z",
        "score": 7,
        "level": "low"
      }
    ]
  },
  "FollowUp": {
    "ticket_id": "01a21ecf-82af-7373-8af1-78af21eaebe1",
    "number": "SR-2026-000001",
    "customer_id": "01a21ecf-8248-7354-8bff-fb89733448b4",
    "technician_id": "01a21ecf-82a0-740e-84cd-1bf8b2e4b6cc",
    "resolved_at": "2026-03-03T11:00:00.000Z",
    "due_at": "2026-03-06T11:00:00.000Z",
    "state": "running",
    "announced_at": null
  },
  "Customer": {
    "id": "01a21ece-4496-70ff-b2a7-5b9e74506d54",
    "external_ref": "SF-0042",
    "name": "张伟",
    "kind": "person",
    "phone": "+86 138 0013 8000",
    "email": "zhang.wei@example.com",
    "region": "shanghai",
    "address": "上海市浦东新区世纪大道100号",
    "tier": "vip",
    "tags": [
      "smart-home"
    ],
    "status": "active",
    "churn_risk": null,
    "created_at": "2026-03-02T09:00:00.000Z",
    "updated_at": "2026-03-02T09:00:00.000Z",
    "version": 1
  },
  "Asset": {
    "id": "01a21ece-451e-7400-b200-39e6195e8dd2",
    "customer_id": "01a21ece-4496-70ff-b2a7-5b9e74506d54",
    "product_model": "Oven X200 蒸烤箱",
    "category": "oven",
    "serial_number": "X200-2026-000731",
    "purchased_on": "2026-01-10",
    "proof_of_purchase": {
      "kind": "invoice",
      "reference": "INV-2026-0110-88",
      "issued_on": "2026-01-10"
    },
    "warranty_until": "2028-01-10",
    "installed_on": "2026-01-15",
    "created_at": "2026-03-02T09:00:00.000Z",
    "updated_at": "2026-03-02T09:00:00.000Z",
    "version": 1
  },
  "Technician": {
    "id": "01a21ece-452a-770a-ba69-93186acf6045",
    "name": "李娜 Li Na",
    "phone": "+86 139 0000 1111",
    "email": null,
    "tier": 1,
    "regions": [
      "shanghai"
    ],
    "skills": [
      "oven",
      "fridge"
    ],
    "max_open_tickets": 8,
    "open_tickets": 0,
    "active": true,
    "calendar_id": null,
    "travel_buffer_minutes": 30,
    "last_assigned_at": null,
    "created_at": "2026-03-02T09:00:00.000Z",
    "updated_at": "2026-03-02T09:00:00.000Z",
    "version": 1
  },
  "Ticket": {
    "id": "01a21ece-4537-718e-927a-c1e95672ce8f",
    "number": "SR-2026-000001",
    "customer_id": "01a21ece-4496-70ff-b2a7-5b9e74506d54",
    "asset_id": "01a21ece-451e-7400-b200-39e6195e8dd2",
    "type": "repair",
    "channel": "phone",
    "priority": "high",
    "category": "oven",
    "subject": "烤箱不加热 / oven does not heat",
    "description": "Since Monday the oven stays cold; the display shows E3.",
    "external_ref": "CASE-88231",
    "region": "shanghai",
    "reported_at": "2026-03-02T09:00:00.000Z",
    "status": "closed",
    "tier": 1,
    "technician_id": "01a21ece-452a-770a-ba69-93186acf6045",
    "assignment": {
      "technician_id": "01a21ece-452a-770a-ba69-93186acf6045",
      "reason": "auto: least loaded active tier 1 technician serving region shanghai with skill oven; 0 of 8 open before this",
      "assigned_at": "2026-03-02T09:00:00.000Z",
      "by": {
        "kind": "api_key",
        "id": "01a21ece-3b69-7685-9b56-299b26113aa4",
        "role": "admin"
      }
    },
    "hold_reason": null,
    "complaint_major": false,
    "linked_ticket_id": null,
    "first_responded_at": "2026-03-02T09:00:00.000Z",
    "resolved_at": "2026-03-03T11:00:00.000Z",
    "closed_at": "2026-03-03T11:00:00.000Z",
    "cancelled_at": null,
    "resolution": {
      "method": "repair",
      "summary": "更换加热管 / replaced the heating element",
      "root_cause": null,
      "charges": {
        "currency": "CNY",
        "items": [
          {
            "kind": "parts",
            "description": "加热管 heating element",
            "amount": 12000
          },
          {
            "kind": "labour",
            "description": "Labour 1 h",
            "amount": 8000
          }
        ],
        "total": 20000
      }
    },
    "warranty_decision": {
      "result": "out_of_warranty",
      "chargeable": true,
      "overridden": true,
      "reasons": [
        "reported on 2026-03-02, warranty runs until 2028-01-10",
        "overridden: Water damage inside the door seal"
      ]
    },
    "follow_up": {
      "outcome": "satisfied",
      "note": "Oven works again",
      "at": "2026-03-03T11:00:00.000Z",
      "by": {
        "kind": "api_key",
        "id": "01a21ece-3b69-7685-9b56-299b26113aa4",
        "role": "admin"
      }
    },
    "reopen_count": 0,
    "sla": {
      "first_response": {
        "due_at": "2026-03-02T10:00:00.000Z",
        "completed_at": "2026-03-02T09:00:00.000Z",
        "state": "met",
        "breached_at": null
      },
      "resolution": {
        "due_at": "2026-03-05T06:00:00.000Z",
        "completed_at": "2026-03-03T11:00:00.000Z",
        "state": "met",
        "breached_at": null
      },
      "follow_up": {
        "due_at": "2026-03-13T10:00:00.000Z",
        "completed_at": "2026-03-03T11:00:00.000Z",
        "state": "met",
        "breached_at": null
      },
      "periodic_update": null
    },
    "created_at": "2026-03-02T09:00:00.000Z",
    "updated_at": "2026-03-03T11:00:00.000Z",
    "version": 6
  },
  "Survey": {
    "id": "01a21ece-46a5-7356-95e8-07a5b4a0c998",
    "ticket_id": "01a21ece-4537-718e-927a-c1e95672ce8f",
    "customer_id": "01a21ece-4496-70ff-b2a7-5b9e74506d54",
    "technician_id": "01a21ece-452a-770a-ba69-93186acf6045",
    "status": "open",
    "trigger": "manual",
    "created_at": "2026-03-03T11:00:00.000Z",
    "expires_at": "2026-03-17T11:00:00.000Z",
    "answered_at": null,
    "csat": null,
    "nps": null,
    "dimensions": null,
    "comment": null,
    "recovery_ticket_id": null,
    "token": "sv_u_QfvtwvFpn8A6sNNkGzAxTFZDYlacusz-Jrv80MgFQ",
    "respond_url": "http://127.0.0.1:3000/v1/public/surveys/sv_u_QfvtwvFpn8A6sNNkGzAxTFZDYlacusz-Jrv80MgFQ",
    "updated_at": "2026-03-03T11:00:00.000Z",
    "version": 1
  },
  "PublicSurvey": {
    "status": "open",
    "expires_at": "2026-03-17T11:00:00.000Z",
    "service": {
      "ticket_number": "SR-2026-000001",
      "type": "repair",
      "category": "oven",
      "resolved_at": "2026-03-03T11:00:00.000Z"
    },
    "questions": [
      {
        "name": "csat",
        "text": "How satisfied are you with the service?",
        "required": true,
        "min": 1,
        "max": 5
      },
      {
        "name": "nps",
        "text": "How likely are you to recommend us to a friend?",
        "required": false,
        "min": 0,
        "max": 10
      },
      {
        "name": "dimensions.speed",
        "text": "How would you rate our speed?",
        "required": false,
        "min": 1,
        "max": 5
      },
      {
        "name": "dimensions.professionalism",
        "text": "How would you rate our professionalism?",
        "required": false,
        "min": 1,
        "max": 5
      },
      {
        "name": "dimensions.attitude",
        "text": "How would you rate our attitude?",
        "required": false,
        "min": 1,
        "max": 5
      },
      {
        "name": "dimensions.resolution",
        "text": "How would you rate our resolution?",
        "required": false,
        "min": 1,
        "max": 5
      },
      {
        "name": "comment",
        "text": "Anything else you would like to tell us?",
        "required": false,
        "min": null,
        "max": null
      }
    ]
  },
  "PublicSurveyAnswered": {
    "status": "answered",
    "answered_at": "2026-03-03T11:00:00.000Z"
  },
  "TicketSla": {
    "ticket_id": "01a21ece-4537-718e-927a-c1e95672ce8f",
    "as_of": "2026-03-03T11:00:00.000Z",
    "policy": {
      "id": "01900000-0000-7000-8000-000000000013",
      "name": "Standard",
      "warn_at_percent": 80,
      "pause_on": [
        "waiting_customer"
      ]
    },
    "calendar": {
      "id": "01900000-0000-7000-8000-000000000001",
      "name": "Business hours (Mon–Fri 09:00–18:00, Shanghai)",
      "timezone": "Asia/Shanghai"
    },
    "metrics": {
      "first_response": {
        "target_minutes": 60,
        "started_at": "2026-03-02T09:00:00.000Z",
        "due_at": "2026-03-02T10:00:00.000Z",
        "warn_at": "2026-03-02T09:48:00.000Z",
        "completed_at": "2026-03-02T09:00:00.000Z",
        "state": "met",
        "elapsed_minutes": 0,
        "remaining_minutes": 60,
        "segments": [
          {
            "kind": "running",
            "from": "2026-03-02T09:00:00.000Z",
            "to": "2026-03-02T09:00:00.000Z",
            "business_minutes": 0,
            "reason": null
          }
        ]
      },
      "resolution": {
        "target_minutes": 1440,
        "started_at": "2026-03-02T09:00:00.000Z",
        "due_at": "2026-03-05T06:00:00.000Z",
        "warn_at": "2026-03-05T01:12:00.000Z",
        "completed_at": "2026-03-03T11:00:00.000Z",
        "state": "met",
        "elapsed_minutes": 600,
        "remaining_minutes": 840,
        "segments": [
          {
            "kind": "running",
            "from": "2026-03-02T09:00:00.000Z",
            "to": "2026-03-03T11:00:00.000Z",
            "business_minutes": 600,
            "reason": null
          }
        ]
      },
      "follow_up": {
        "target_minutes": 4320,
        "started_at": "2026-03-03T11:00:00.000Z",
        "due_at": "2026-03-13T10:00:00.000Z",
        "warn_at": "2026-03-12T04:36:00.000Z",
        "completed_at": "2026-03-03T11:00:00.000Z",
        "state": "met",
        "elapsed_minutes": 0,
        "remaining_minutes": 4320,
        "segments": [
          {
            "kind": "running",
            "from": "2026-03-03T11:00:00.000Z",
            "to": "2026-03-03T11:00:00.000Z",
            "business_minutes": 0,
            "reason": null
          }
        ]
      },
      "periodic_update": null
    }
  },
  "Workload": {
    "technician_id": "01a21ece-452a-770a-ba69-93186acf6045",
    "open_tickets": 0,
    "max_open_tickets": 8,
    "by_status": {
      "assigned": 0,
      "in_progress": 0,
      "on_hold": 0
    },
    "by_priority": {
      "urgent": 0,
      "high": 0,
      "normal": 0,
      "low": 0
    },
    "tickets": [],
    "upcoming_visits": [
      {
        "id": "01a21fa0-1c2d-7e3f-8a4b-5c6d7e8f9a01",
        "ticket_id": "01a21ece-4537-718e-927a-c1e95672ce8f",
        "status": "scheduled",
        "window_start": "2026-03-03T02:00:00.000Z",
        "window_end": "2026-03-03T04:00:00.000Z"
      }
    ]
  },
  "Calendar": {
    "id": "01900000-0000-7000-8000-000000000002",
    "name": "Around the clock (24×7)",
    "timezone": "Asia/Shanghai",
    "hours": {
      "mon": [
        [
          "00:00",
          "24:00"
        ]
      ],
      "tue": [
        [
          "00:00",
          "24:00"
        ]
      ],
      "wed": [
        [
          "00:00",
          "24:00"
        ]
      ],
      "thu": [
        [
          "00:00",
          "24:00"
        ]
      ],
      "fri": [
        [
          "00:00",
          "24:00"
        ]
      ],
      "sat": [
        [
          "00:00",
          "24:00"
        ]
      ],
      "sun": [
        [
          "00:00",
          "24:00"
        ]
      ]
    },
    "holidays": [],
    "workdays": [],
    "created_at": "2026-11-27T20:59:19.434Z",
    "updated_at": "2026-11-27T20:59:19.434Z",
    "version": 1
  },
  "SlaPolicy": {
    "id": "01900000-0000-7000-8000-000000000013",
    "name": "Standard",
    "position": 100,
    "match": {},
    "targets": {
      "first_response": 60,
      "resolution": 1440,
      "follow_up": 4320,
      "periodic_update": 1620
    },
    "calendar_id": "01900000-0000-7000-8000-000000000001",
    "warn_at_percent": 80,
    "pause_on": [
      "waiting_customer"
    ],
    "on_breach": {
      "raise_priority": true
    },
    "active": true,
    "created_at": "2026-11-27T20:59:19.434Z",
    "updated_at": "2026-11-27T20:59:19.434Z",
    "version": 1
  },
  "Part": {
    "id": "01a21f90-2c1e-7a51-9d0e-5f2b7c3e8a10",
    "sku": "SL2-BOARD",
    "name": "门锁主板 Smart Lock S2 control board",
    "category": "smart-lock",
    "unit_price": 12000,
    "currency": "CNY",
    "stock": 11,
    "reorder_level": 5,
    "low_stock": false,
    "active": true,
    "created_at": "2026-11-28T01:10:00.000Z",
    "updated_at": "2026-11-28T01:12:30.000Z",
    "version": 2
  },
  "Visit": {
    "id": "01a21fa0-1c2d-7e3f-8a4b-5c6d7e8f9a01",
    "ticket_id": "01a21ece-4537-718e-927a-c1e95672ce8f",
    "customer_id": "01a21ece-4496-70ff-b2a7-5b9e74506d54",
    "technician_id": "01a21ece-452a-770a-ba69-93186acf6045",
    "status": "scheduled",
    "window_start": "2026-03-03T02:00:00.000Z",
    "window_end": "2026-03-03T04:00:00.000Z",
    "buffer_minutes": 30,
    "holds_until": "2026-03-03T04:30:00.000Z",
    "outside_hours": false,
    "outside_hours_reason": null,
    "planned_parts": [
      {
        "part_id": "01a21f90-2c1e-7a51-9d0e-5f2b7c3e8a10",
        "quantity": 1
      }
    ],
    "notes": "客户下午在家，请提前电话 Call ahead",
    "checked_in_at": null,
    "completed_at": null,
    "cancelled_at": null,
    "cancel_reason": null,
    "no_show_at": null,
    "reminder_sent_at": null,
    "created_at": "2026-03-02T09:10:00.000Z",
    "updated_at": "2026-03-02T09:10:00.000Z",
    "version": 1
  },
  "VisitRecord": {
    "visit_id": "01a21fa0-1c2d-7e3f-8a4b-5c6d7e8f9a01",
    "ticket_id": "01a21ece-4537-718e-927a-c1e95672ce8f",
    "sha256": "575f40adcbdd316b551fd2d49383183c725889d8eb3ff3898cbdc0a558fd7a61",
    "verifies": true,
    "created_at": "2026-03-03T03:40:00.000Z",
    "record": {
      "format": "aftercare.repair-record/1",
      "visit": {
        "id": "01a21fa0-1c2d-7e3f-8a4b-5c6d7e8f9a01",
        "window_start": "2026-03-03T02:00:00.000Z",
        "window_end": "2026-03-03T04:00:00.000Z",
        "outside_hours": false,
        "checked_in_at": "2026-03-03T02:05:00.000Z",
        "completed_at": "2026-03-03T03:40:00.000Z"
      },
      "ticket": {
        "id": "01a21ece-4537-718e-927a-c1e95672ce8f",
        "number": "SR-2026-000001",
        "type": "repair",
        "category": "smart-lock",
        "subject": "门锁无法开启 Lock will not open",
        "reported_at": "2026-03-02T09:00:00.000Z"
      },
      "customer": {
        "id": "01a21ece-4496-70ff-b2a7-5b9e74506d54",
        "name": "王小明",
        "address": "上海市浦东新区世纪大道 100 号"
      },
      "product": {
        "asset_id": "01a21ece-44c0-7b2e-9d1f-3a5b7c9d1e2f",
        "product_model": "Smart Lock S2",
        "serial_number": "SL2-2024-00042",
        "warranty_until": "2025-01-10"
      },
      "technician": {
        "id": "01a21ece-452a-770a-ba69-93186acf6045",
        "name": "李娜 Li Na"
      },
      "work_summary": "更换主板，重新配对指纹 Replaced the control board, re-paired fingerprints",
      "test_passed": true,
      "test_notes": "开锁 20 次正常 Opened 20 times",
      "parts": [
        {
          "part_id": "01a21f90-2c1e-7a51-9d0e-5f2b7c3e8a10",
          "sku": "SL2-BOARD",
          "name": "门锁主板 Smart Lock S2 control board",
          "quantity": 1,
          "unit_price": 12000,
          "currency": "CNY",
          "amount": 12000
        }
      ],
      "warranty": {
        "result": "out_of_warranty",
        "chargeable": true,
        "basis": "product_record"
      },
      "charges": {
        "currency": "CNY",
        "parts_total": 12000
      },
      "signoff": {
        "signed_by": "王小明",
        "signature": "M 20 100 C 60 20, 120 20, 160 100 S 260 180, 300 100",
        "signed_at": "2026-03-03T03:38:00.000Z"
      }
    }
  },
  "Webhook": {
    "id": "01a22010-5b1e-7c3a-9f20-1d2e3f4a5b6c",
    "url": "https://crm.example.com/aftercare/events",
    "events": [
      "ticket.*",
      "visit.completed",
      "survey.answered"
    ],
    "description": "CRM sync",
    "active": true,
    "previous_secret_expires_at": null,
    "disabled_at": null,
    "disabled_reason": null,
    "last_success_at": "2026-03-03T03:40:02.000Z",
    "created_at": "2026-03-02T09:00:00.000Z",
    "updated_at": "2026-03-02T09:00:00.000Z",
    "version": 1
  },
  "WebhookWithSecret": {
    "id": "01a22010-5b1e-7c3a-9f20-1d2e3f4a5b6c",
    "url": "https://crm.example.com/aftercare/events",
    "events": [
      "ticket.*",
      "visit.completed",
      "survey.answered"
    ],
    "description": "CRM sync",
    "active": true,
    "previous_secret_expires_at": null,
    "disabled_at": null,
    "disabled_reason": null,
    "last_success_at": null,
    "created_at": "2026-03-02T09:00:00.000Z",
    "updated_at": "2026-03-02T09:00:00.000Z",
    "version": 1,
    "secret": "whsec_3q2-7wAbCdEfGhIjKlMnOpQrStUvWxYz0123456789_A"
  },
  "WebhookUpdated": {
    "id": "01a22010-5b1e-7c3a-9f20-1d2e3f4a5b6c",
    "url": "https://crm.example.com/aftercare/events",
    "events": [
      "ticket.*",
      "visit.completed",
      "survey.answered"
    ],
    "description": "CRM sync",
    "active": true,
    "previous_secret_expires_at": "2026-03-04T09:00:00.000Z",
    "disabled_at": null,
    "disabled_reason": null,
    "last_success_at": "2026-03-03T03:40:02.000Z",
    "created_at": "2026-03-02T09:00:00.000Z",
    "updated_at": "2026-03-03T09:00:00.000Z",
    "version": 2,
    "secret": "whsec_Zx9-8yWvUtSrQpOnMlKjIhGfEdCbA9876543210_-AbC"
  },
  "WebhookDelivery": {
    "id": "01a22011-0a0b-7c0d-8e0f-101112131415",
    "webhook_id": "01a22010-5b1e-7c3a-9f20-1d2e3f4a5b6c",
    "event_id": "01a21fa1-2b3c-7d4e-8f50-617283940a1b",
    "event_type": "visit.completed",
    "event_position": 4711,
    "resource": {
      "type": "visit",
      "id": "01a21fa0-1c2d-7e3f-8a4b-5c6d7e8f9a01"
    },
    "kind": "event",
    "status": "succeeded",
    "attempts": 2,
    "next_attempt_at": null,
    "give_up_at": "2026-03-04T03:40:00.000Z",
    "last_attempt_at": "2026-03-03T03:40:12.000Z",
    "last_status": 200,
    "last_latency_ms": 84,
    "last_error": null,
    "response_excerpt": "{\"ok\":true}",
    "delivered_at": "2026-03-03T03:40:12.000Z",
    "created_at": "2026-03-03T03:40:00.000Z",
    "updated_at": "2026-03-03T03:40:12.000Z"
  },
  "WebhookReplay": {
    "webhook_id": "01a22010-5b1e-7c3a-9f20-1d2e3f4a5b6c",
    "deliveries": 42,
    "from_position": 4000,
    "to_position": 4711
  },
  "PartMovement": {
    "id": "01a21f92-8b40-7c11-a3f4-0b6e2d9c1f77",
    "part_id": "01a21f90-2c1e-7a51-9d0e-5f2b7c3e8a10",
    "kind": "received",
    "quantity": 10,
    "stock_after": 11,
    "reason": "Delivery note DN-2026-1128",
    "occurred_at": "2026-11-28T01:12:30.000Z",
    "visit_id": null,
    "actor": {
      "kind": "api_key",
      "id": "01a21ecf-8401-71e3-978d-4ad7ceb377ba",
      "role": "manager"
    }
  },
  "ChurnModel": {
    "window_days": 180,
    "weights": {
      "satisfaction": 25,
      "satisfaction_trend": 10,
      "low_scores": 15,
      "complaints": 15,
      "sla_breaches": 10,
      "reopened": 10,
      "repeat_faults": 10,
      "silence": 5,
      "open_ticket_age": 10
    },
    "thresholds": {
      "medium": 30,
      "high": 60,
      "lost_after_days": 365
    },
    "updated_at": "2026-11-27T20:59:19.434Z",
    "version": 1
  },
  "JobList": {
    "data": [
      {
        "name": "sla-sweep",
        "schedule": "* * * * * *",
        "next_run_at": "2026-03-03T11:00:01.000Z",
        "last_run": null
      },
      {
        "name": "sla-recompute",
        "schedule": "*/10 * * * * *",
        "next_run_at": "2026-03-03T11:00:10.000Z",
        "last_run": null
      },
      {
        "name": "survey-dispatch",
        "schedule": "0 * * * * *",
        "next_run_at": "2026-03-03T11:01:00.000Z",
        "last_run": null
      },
      {
        "name": "follow-up-reminders",
        "schedule": "0 */15 * * * *",
        "next_run_at": "2026-03-03T11:15:00.000Z",
        "last_run": null
      },
      {
        "name": "churn-scan",
        "schedule": "0 30 2 * * *",
        "next_run_at": "2026-03-04T02:30:00.000Z",
        "last_run": null
      },
      {
        "name": "housekeeping",
        "schedule": "0 */10 * * * *",
        "next_run_at": "2026-03-03T11:10:00.000Z",
        "last_run": null
      }
    ]
  },
  "AuditEntry": {
    "id": "01a21ece-452a-770a-ba69-96690ce76ad4",
    "occurred_at": "2026-03-02T09:00:00.000Z",
    "actor": {
      "kind": "api_key",
      "id": "01a21ece-3b69-7685-9b56-299b26113aa4",
      "role": "admin"
    },
    "action": "created",
    "resource": {
      "type": "technician",
      "id": "01a21ece-452a-770a-ba69-93186acf6045"
    },
    "fields": [
      "name",
      "phone",
      "tier",
      "regions",
      "skills",
      "max_open_tickets"
    ],
    "request_id": "ede3c2cb-4d20-4c3f-b58f-a0d14e1470e6"
  },
  "ApiKeyCreated": {
    "id": "01a21ece-47c1-7217-aa0b-9f445df94555",
    "name": "Salesforce sync",
    "role": "integration",
    "technician_id": null,
    "prefix": "ak_ldLXbEmp",
    "expires_at": null,
    "revoked_at": null,
    "last_used_at": null,
    "created_at": "2026-03-03T11:00:00.000Z",
    "updated_at": "2026-03-03T11:00:00.000Z",
    "version": 1,
    "secret": "ak_ldLXbEmpNGN_fZOSagYLC4gTW5tqT_EMHpiOA_38RM4"
  },
  "TimelinePage": {
    "data": [
      {
        "id": "01a21ece-455c-77e5-b615-cd67c618ba28",
        "at": "2026-03-02T09:00:00.000Z",
        "entry": "action",
        "action": "created",
        "note_kind": null,
        "visibility": null,
        "body": null,
        "data": {
          "tier": 1,
          "channel": "phone",
          "priority": "high"
        },
        "actor": {
          "kind": "api_key",
          "id": "01a21ece-3b69-7685-9b56-299b26113aa4",
          "role": "admin"
        }
      },
      {
        "id": "01a21ece-45b6-776e-bcb8-a91f433956c5",
        "at": "2026-03-02T09:00:00.000Z",
        "entry": "assignment",
        "action": "assigned",
        "note_kind": null,
        "visibility": null,
        "body": null,
        "data": {
          "tier": 1,
          "reason": "auto: least loaded active tier 1 technician serving region shanghai with skill oven; 0 of 8 open before this",
          "technician_id": "01a21ece-452a-770a-ba69-93186acf6045",
          "previous_technician_id": null
        },
        "actor": {
          "kind": "api_key",
          "id": "01a21ece-3b69-7685-9b56-299b26113aa4",
          "role": "admin"
        }
      },
      {
        "id": "01a21ece-45fe-7359-9f2a-c8bb1234d651",
        "at": "2026-03-02T09:00:00.000Z",
        "entry": "action",
        "action": "start",
        "note_kind": null,
        "visibility": null,
        "body": null,
        "data": {
          "to": "in_progress",
          "from": "assigned"
        },
        "actor": {
          "kind": "api_key",
          "id": "01a21ece-3b69-7685-9b56-299b26113aa4",
          "role": "admin"
        }
      },
      {
        "id": "01a21ece-464d-729c-89d4-90d105748167",
        "at": "2026-03-02T09:00:00.000Z",
        "entry": "note",
        "action": null,
        "note_kind": "call",
        "visibility": "customer",
        "body": "已联系客户，预约明天上午上门 / visit booked for tomorrow morning",
        "data": {},
        "actor": {
          "kind": "api_key",
          "id": "01a21ece-3b69-7685-9b56-299b26113aa4",
          "role": "admin"
        }
      },
      {
        "id": "01a21ece-4668-7076-b647-d3f80360345b",
        "at": "2026-03-03T11:00:00.000Z",
        "entry": "action",
        "action": "resolve",
        "note_kind": null,
        "visibility": null,
        "body": "更换加热管 / replaced the heating element",
        "data": {
          "to": "resolved",
          "from": "in_progress",
          "method": "repair"
        },
        "actor": {
          "kind": "api_key",
          "id": "01a21ece-3b69-7685-9b56-299b26113aa4",
          "role": "admin"
        }
      },
      {
        "id": "01a21ece-4668-7076-b647-d7f3f2958db2",
        "at": "2026-03-03T11:00:00.000Z",
        "entry": "decision",
        "action": "warranty",
        "note_kind": null,
        "visibility": null,
        "body": null,
        "data": {
          "result": "out_of_warranty",
          "reasons": [
            "reported on 2026-03-02, warranty runs until 2028-01-10",
            "overridden: Water damage inside the door seal"
          ],
          "currency": "CNY",
          "chargeable": true,
          "overridden": true,
          "charges_total": 20000
        },
        "actor": {
          "kind": "api_key",
          "id": "01a21ece-3b69-7685-9b56-299b26113aa4",
          "role": "admin"
        }
      },
      {
        "id": "01a21ece-46a9-76ea-8743-4875a5bdd16d",
        "at": "2026-03-03T11:00:00.000Z",
        "entry": "survey",
        "action": "sent",
        "note_kind": null,
        "visibility": null,
        "body": null,
        "data": {
          "trigger": "manual",
          "survey_id": "01a21ece-46a5-7356-95e8-07a5b4a0c998",
          "expires_at": "2026-03-17T11:00:00.000Z"
        },
        "actor": {
          "kind": "api_key",
          "id": "01a21ece-3b69-7685-9b56-299b26113aa4",
          "role": "admin"
        }
      },
      {
        "id": "01a21ece-46b7-7056-a4fc-9b62b43cf8ef",
        "at": "2026-03-03T11:00:00.000Z",
        "entry": "survey",
        "action": "answered",
        "note_kind": null,
        "visibility": null,
        "body": null,
        "data": {
          "nps": 9,
          "csat": 5,
          "survey_id": "01a21ece-46a5-7356-95e8-07a5b4a0c998",
          "recovery_ticket_id": null
        },
        "actor": {
          "kind": "system",
          "id": null,
          "role": "system"
        }
      },
      {
        "id": "01a21ece-46bd-76cc-9156-14ec8dc8f1f7",
        "at": "2026-03-03T11:00:00.000Z",
        "entry": "action",
        "action": "follow-up",
        "note_kind": null,
        "visibility": null,
        "body": "Oven works again",
        "data": {
          "to": "closed",
          "from": "resolved",
          "outcome": "satisfied"
        },
        "actor": {
          "kind": "api_key",
          "id": "01a21ece-3b69-7685-9b56-299b26113aa4",
          "role": "admin"
        }
      }
    ],
    "next_cursor": null
  },
  "EventPage": {
    "data": [
      {
        "id": "01a21ece-4497-73c5-bfae-7ae5a6d8fe0c",
        "type": "customer.created",
        "position": 1,
        "occurred_at": "2026-03-02T09:00:00.000Z",
        "actor": {
          "id": "01a21ece-3b69-7685-9b56-299b26113aa4",
          "kind": "api_key",
          "role": "admin"
        },
        "resource": {
          "type": "customer",
          "id": "01a21ece-4496-70ff-b2a7-5b9e74506d54"
        },
        "data": {
          "id": "01a21ece-4496-70ff-b2a7-5b9e74506d54",
          "kind": "person",
          "name": "张伟",
          "tags": [
            "smart-home"
          ],
          "tier": "vip",
          "email": "zhang.wei@example.com",
          "phone": "+86 138 0013 8000",
          "region": "shanghai",
          "status": "active",
          "address": "上海市浦东新区世纪大道100号",
          "version": 1,
          "churn_risk": null,
          "created_at": "2026-03-02T09:00:00.000Z",
          "updated_at": "2026-03-02T09:00:00.000Z",
          "external_ref": "SF-0042"
        }
      },
      {
        "id": "01a21ece-455c-77e5-b615-cbd20e23ee21",
        "type": "ticket.created",
        "position": 2,
        "occurred_at": "2026-03-02T09:00:00.000Z",
        "actor": {
          "id": "01a21ece-3b69-7685-9b56-299b26113aa4",
          "kind": "api_key",
          "role": "admin"
        },
        "resource": {
          "type": "ticket",
          "id": "01a21ece-4537-718e-927a-c1e95672ce8f"
        },
        "data": {
          "id": "01a21ece-4537-718e-927a-c1e95672ce8f",
          "sla": {
            "follow_up": null,
            "resolution": {
              "state": "running",
              "due_at": "2026-03-05T06:00:00.000Z",
              "breached_at": null,
              "completed_at": null
            },
            "first_response": {
              "state": "running",
              "due_at": "2026-03-02T10:00:00.000Z",
              "breached_at": null,
              "completed_at": null
            },
            "periodic_update": {
              "state": "running",
              "due_at": "2026-03-05T09:00:00.000Z",
              "breached_at": null,
              "completed_at": null
            }
          },
          "tier": 1,
          "type": "repair",
          "number": "SR-2026-000001",
          "region": "shanghai",
          "status": "new",
          "channel": "phone",
          "subject": "烤箱不加热 / oven does not heat",
          "version": 1,
          "asset_id": "01a21ece-451e-7400-b200-39e6195e8dd2",
          "category": "oven",
          "priority": "high",
          "closed_at": null,
          "follow_up": null,
          "assignment": null,
          "created_at": "2026-03-02T09:00:00.000Z",
          "resolution": null,
          "updated_at": "2026-03-02T09:00:00.000Z",
          "customer_id": "01a21ece-4496-70ff-b2a7-5b9e74506d54",
          "description": "Since Monday the oven stays cold; the display shows E3.",
          "hold_reason": null,
          "reported_at": "2026-03-02T09:00:00.000Z",
          "resolved_at": null,
          "cancelled_at": null,
          "external_ref": "CASE-88231",
          "reopen_count": 0,
          "technician_id": null,
          "complaint_major": false,
          "linked_ticket_id": null,
          "warranty_decision": null,
          "first_responded_at": null
        }
      },
      {
        "id": "01a21ece-45c1-772c-9dbc-5a36dcab42f0",
        "type": "ticket.assigned",
        "position": 3,
        "occurred_at": "2026-03-02T09:00:00.000Z",
        "actor": {
          "id": "01a21ece-3b69-7685-9b56-299b26113aa4",
          "kind": "api_key",
          "role": "admin"
        },
        "resource": {
          "type": "ticket",
          "id": "01a21ece-4537-718e-927a-c1e95672ce8f"
        },
        "data": {
          "id": "01a21ece-4537-718e-927a-c1e95672ce8f",
          "sla": {
            "follow_up": null,
            "resolution": {
              "state": "running",
              "due_at": "2026-03-05T06:00:00.000Z",
              "breached_at": null,
              "completed_at": null
            },
            "first_response": {
              "state": "running",
              "due_at": "2026-03-02T10:00:00.000Z",
              "breached_at": null,
              "completed_at": null
            },
            "periodic_update": {
              "state": "running",
              "due_at": "2026-03-05T09:00:00.000Z",
              "breached_at": null,
              "completed_at": null
            }
          },
          "tier": 1,
          "type": "repair",
          "number": "SR-2026-000001",
          "region": "shanghai",
          "status": "assigned",
          "channel": "phone",
          "subject": "烤箱不加热 / oven does not heat",
          "version": 2,
          "asset_id": "01a21ece-451e-7400-b200-39e6195e8dd2",
          "category": "oven",
          "priority": "high",
          "closed_at": null,
          "follow_up": null,
          "assignment": {
            "by": {
              "id": "01a21ece-3b69-7685-9b56-299b26113aa4",
              "kind": "api_key",
              "role": "admin"
            },
            "reason": "auto: least loaded active tier 1 technician serving region shanghai with skill oven; 0 of 8 open before this",
            "assigned_at": "2026-03-02T09:00:00.000Z",
            "technician_id": "01a21ece-452a-770a-ba69-93186acf6045"
          },
          "created_at": "2026-03-02T09:00:00.000Z",
          "resolution": null,
          "updated_at": "2026-03-02T09:00:00.000Z",
          "customer_id": "01a21ece-4496-70ff-b2a7-5b9e74506d54",
          "description": "Since Monday the oven stays cold; the display shows E3.",
          "hold_reason": null,
          "reported_at": "2026-03-02T09:00:00.000Z",
          "resolved_at": null,
          "cancelled_at": null,
          "external_ref": "CASE-88231",
          "reopen_count": 0,
          "technician_id": "01a21ece-452a-770a-ba69-93186acf6045",
          "complaint_major": false,
          "linked_ticket_id": null,
          "warranty_decision": null,
          "first_responded_at": null
        }
      }
    ],
    "next_cursor": "cDoz.sWn1pUVI2Ulw9XOVGFk3Ww"
  },
  "Problem": {
    "type": "https://aftercare.dev/problems/conflict",
    "title": "Conflict",
    "status": 409,
    "detail": "A ticket that is closed cannot start; allowed: none.",
    "instance": "/v1/tickets/01a21ece-4537-718e-927a-c1e95672ce8f/start",
    "current_status": "closed",
    "allowed_actions": []
  },
  "KpiFigures": {
    "tickets_created": 42,
    "tickets_resolved": 38,
    "first_response_minutes": {
      "p50": 18.5,
      "p90": 52
    },
    "resolution_minutes": {
      "p50": 260,
      "p90": 910.4
    },
    "first_response_sla_met_pct": 92.86,
    "resolution_sla_met_pct": 89.47,
    "follow_up_done_pct": 94.12,
    "first_time_fix_pct": 81.58,
    "reopen_pct": 5.26,
    "complaints": 2,
    "csat_avg": 4.56,
    "csat_responses": 25,
    "nps": 52,
    "nps_responses": 25,
    "qa_score_avg": 87.5,
    "qa_reviews": 4
  },
  "KpiRow": {
    "key": "01a21ece-452a-770a-ba69-93186acf6045",
    "label": "李娜 Li Na",
    "tickets_created": 42,
    "tickets_resolved": 38,
    "first_response_minutes": {
      "p50": 18.5,
      "p90": 52
    },
    "resolution_minutes": {
      "p50": 260,
      "p90": 910.4
    },
    "first_response_sla_met_pct": 92.86,
    "resolution_sla_met_pct": 89.47,
    "follow_up_done_pct": 94.12,
    "first_time_fix_pct": 81.58,
    "reopen_pct": 5.26,
    "complaints": 2,
    "csat_avg": 4.56,
    "csat_responses": 25,
    "nps": 52,
    "nps_responses": 25,
    "qa_score_avg": 87.5,
    "qa_reviews": 4
  },
  "KpiReport": {
    "from": "2026-02-01T00:00:00.000Z",
    "to": "2026-03-01T00:00:00.000Z",
    "tz": "Asia/Shanghai",
    "group_by": "technician",
    "generated_at": "2026-03-03T11:00:00.000Z",
    "rows": [
      {
        "key": "01a21ece-452a-770a-ba69-93186acf6045",
        "label": "李娜 Li Na",
        "tickets_created": 42,
        "tickets_resolved": 38,
        "first_response_minutes": {
          "p50": 18.5,
          "p90": 52
        },
        "resolution_minutes": {
          "p50": 260,
          "p90": 910.4
        },
        "first_response_sla_met_pct": 92.86,
        "resolution_sla_met_pct": 89.47,
        "follow_up_done_pct": 94.12,
        "first_time_fix_pct": 81.58,
        "reopen_pct": 5.26,
        "complaints": 2,
        "csat_avg": 4.56,
        "csat_responses": 25,
        "nps": 52,
        "nps_responses": 25,
        "qa_score_avg": 87.5,
        "qa_reviews": 4
      }
    ],
    "total": {
      "tickets_created": 42,
      "tickets_resolved": 38,
      "first_response_minutes": {
        "p50": 18.5,
        "p90": 52
      },
      "resolution_minutes": {
        "p50": 260,
        "p90": 910.4
      },
      "first_response_sla_met_pct": 92.86,
      "resolution_sla_met_pct": 89.47,
      "follow_up_done_pct": 94.12,
      "first_time_fix_pct": 81.58,
      "reopen_pct": 5.26,
      "complaints": 2,
      "csat_avg": 4.56,
      "csat_responses": 25,
      "nps": 52,
      "nps_responses": 25,
      "qa_score_avg": 87.5,
      "qa_reviews": 4
    }
  },
  "AppraisalCard": {
    "technician": {
      "id": "01a21ece-452a-770a-ba69-93186acf6045",
      "name": "李娜 Li Na",
      "tier": 1,
      "regions": [
        "shanghai-pudong"
      ]
    },
    "from": "2026-02-01T00:00:00.000Z",
    "to": "2026-03-01T00:00:00.000Z",
    "figures": {
      "tickets_created": 42,
      "tickets_resolved": 38,
      "first_response_minutes": {
        "p50": 18.5,
        "p90": 52
      },
      "resolution_minutes": {
        "p50": 260,
        "p90": 910.4
      },
      "first_response_sla_met_pct": 92.86,
      "resolution_sla_met_pct": 89.47,
      "follow_up_done_pct": 94.12,
      "first_time_fix_pct": 81.58,
      "reopen_pct": 5.26,
      "complaints": 2,
      "csat_avg": 4.56,
      "csat_responses": 25,
      "nps": 52,
      "nps_responses": 25,
      "qa_score_avg": 87.5,
      "qa_reviews": 4
    },
    "team": {
      "technicians": 8,
      "figures": {
        "tickets_created": 318,
        "tickets_resolved": 297,
        "first_response_minutes": {
          "p50": 22,
          "p90": 61.3
        },
        "resolution_minutes": {
          "p50": 301,
          "p90": 1102
        },
        "first_response_sla_met_pct": 88.36,
        "resolution_sla_met_pct": 85.19,
        "follow_up_done_pct": 90.2,
        "first_time_fix_pct": 77.1,
        "reopen_pct": 6.4,
        "complaints": 15,
        "csat_avg": 4.31,
        "csat_responses": 190,
        "nps": 38.42,
        "nps_responses": 187,
        "qa_score_avg": 83.2,
        "qa_reviews": 30
      }
    },
    "rank": {
      "tickets_resolved": {
        "position": 3,
        "of": 8
      },
      "resolution_sla_met_pct": {
        "position": 2,
        "of": 8
      },
      "first_time_fix_pct": {
        "position": 2,
        "of": 8
      },
      "csat_avg": {
        "position": 1,
        "of": 8
      },
      "qa_score_avg": {
        "position": 4,
        "of": 8
      }
    },
    "coaching": [
      {
        "review_id": "01a22101-5d2a-7f10-a3c4-9e8b7d6c5b40",
        "ticket_id": "01a21ecf-8405-71e7-9f67-2db310b6f74b",
        "score": 74,
        "note": "结单前复测加热管 / re-test the element before closing",
        "reviewed_at": "2026-02-20T07:00:00.000Z"
      }
    ]
  },
  "QaScorecard": {
    "id": "01a22101-1f00-7b3c-8e55-0c9d2a6b4e21",
    "name": "售后质检 2026 / After-sales QA 2026",
    "criteria": [
      {
        "key": "timely",
        "name": "响应及时 Timely response",
        "weight": 30,
        "description": null
      },
      {
        "key": "courtesy",
        "name": "沟通规范 Communication norms",
        "weight": 20,
        "description": null
      },
      {
        "key": "solved",
        "name": "问题彻底解决 Problem truly solved",
        "weight": 30,
        "description": "The fault did not come back within 30 days."
      },
      {
        "key": "records",
        "name": "记录完整 Complete records",
        "weight": 20,
        "description": null
      }
    ],
    "pass_score": 80,
    "sample_percent": 10,
    "min_per_technician": 1,
    "current": true,
    "created_at": "2026-02-01T01:00:00.000Z",
    "updated_at": "2026-02-01T01:00:00.000Z",
    "version": 1
  },
  "QaReview": {
    "id": "01a22101-5d2a-7f10-a3c4-9e8b7d6c5b40",
    "ticket_id": "01a21ecf-8405-71e7-9f67-2db310b6f74b",
    "technician_id": "01a21ece-452a-770a-ba69-93186acf6045",
    "scorecard_id": "01a22101-1f00-7b3c-8e55-0c9d2a6b4e21",
    "week_start": "2026-02-16",
    "state": "done",
    "scores": {
      "timely": 5,
      "courtesy": 4,
      "solved": 2,
      "records": 4
    },
    "score": 74,
    "passed": false,
    "comment": "加热管未复测即结单 / closed without re-testing the element",
    "coaching_note": "结单前复测加热管 / re-test the element before closing",
    "reviewer_id": "01a21ecf-7cf6-73cd-97a3-4998728fa830",
    "reviewed_at": "2026-02-20T07:00:00.000Z",
    "created_at": "2026-02-17T01:17:00.000Z",
    "updated_at": "2026-02-20T07:00:00.000Z",
    "version": 2
  },
  "Article": {
    "id": "01a22101-3c5e-7aa1-9d3f-5b2f8c1e7a10",
    "title": "烤箱不加热 / Oven does not heat",
    "body": "多为加热管或温控器故障。先测加热管电阻（正常约 30–40 Ω），再检查温控器。 / Usually the heating element or the thermostat: measure the element (about 30–40 Ω), then check the thermostat.",
    "product_category": "oven",
    "symptoms": [
      "烤箱不加热",
      "oven does not heat",
      "加热指示灯亮但不热"
    ],
    "fix_steps": [
      "断电后拆下后盖 / unplug and remove the back cover",
      "测量加热管电阻 / measure the element",
      "更换损坏的加热管或温控器 / replace the failed part"
    ],
    "tags": [
      "烤箱",
      "加热管"
    ],
    "status": "published",
    "published_at": "2026-03-01T02:00:00.000Z",
    "solved_count": 17,
    "last_solved_at": "2026-03-03T06:30:00.000Z",
    "created_at": "2026-03-01T01:30:00.000Z",
    "updated_at": "2026-03-01T02:00:00.000Z",
    "version": 2
  },
  "SuggestedArticle": {
    "article": {
      "id": "01a22101-3c5e-7aa1-9d3f-5b2f8c1e7a10",
      "title": "烤箱不加热 / Oven does not heat",
      "body": "多为加热管或温控器故障。先测加热管电阻（正常约 30–40 Ω），再检查温控器。 / Usually the heating element or the thermostat: measure the element (about 30–40 Ω), then check the thermostat.",
      "product_category": "oven",
      "symptoms": [
        "烤箱不加热",
        "oven does not heat",
        "加热指示灯亮但不热"
      ],
      "fix_steps": [
        "断电后拆下后盖 / unplug and remove the back cover",
        "测量加热管电阻 / measure the element",
        "更换损坏的加热管或温控器 / replace the failed part"
      ],
      "tags": [
        "烤箱",
        "加热管"
      ],
      "status": "published",
      "published_at": "2026-03-01T02:00:00.000Z",
      "solved_count": 17,
      "last_solved_at": "2026-03-03T06:30:00.000Z",
      "created_at": "2026-03-01T01:30:00.000Z",
      "updated_at": "2026-03-01T02:00:00.000Z",
      "version": 2
    },
    "score": 0.9,
    "category_match": true,
    "matched_symptoms": [
      "烤箱不加热"
    ]
  },
  "SuggestedArticles": {
    "data": [
      {
        "article": {
          "id": "01a22101-3c5e-7aa1-9d3f-5b2f8c1e7a10",
          "title": "烤箱不加热 / Oven does not heat",
          "body": "多为加热管或温控器故障。先测加热管电阻（正常约 30–40 Ω），再检查温控器。 / Usually the heating element or the thermostat: measure the element (about 30–40 Ω), then check the thermostat.",
          "product_category": "oven",
          "symptoms": [
            "烤箱不加热",
            "oven does not heat",
            "加热指示灯亮但不热"
          ],
          "fix_steps": [
            "断电后拆下后盖 / unplug and remove the back cover",
            "测量加热管电阻 / measure the element",
            "更换损坏的加热管或温控器 / replace the failed part"
          ],
          "tags": [
            "烤箱",
            "加热管"
          ],
          "status": "published",
          "published_at": "2026-03-01T02:00:00.000Z",
          "solved_count": 17,
          "last_solved_at": "2026-03-03T06:30:00.000Z",
          "created_at": "2026-03-01T01:30:00.000Z",
          "updated_at": "2026-03-01T02:00:00.000Z",
          "version": 2
        },
        "score": 0.9,
        "category_match": true,
        "matched_symptoms": [
          "烤箱不加热"
        ]
      }
    ]
  },
};

export const REQUEST_EXAMPLES: Record<string, unknown> = {
  "webhooks.create": {
    "url": "https://crm.example.com/aftercare/events",
    "events": [
      "ticket.*",
      "visit.completed",
      "survey.answered"
    ],
    "description": "CRM sync"
  },
  "webhooks.update": {
    "rotate_secret": true,
    "previous_secret_expires_in_minutes": 1440
  },
  "webhooks.replay": {
    "from": "2026-03-03T00:00:00Z"
  },
  "webhooks.retryDelivery": {},
  "webhooks.ping": {},
  "visits.create": {
    "technician_id": "01a21ece-452a-770a-ba69-93186acf6045",
    "window_start": "2026-03-03T02:00:00.000Z",
    "window_end": "2026-03-03T04:00:00.000Z",
    "planned_parts": [
      {
        "part_id": "01a21f90-2c1e-7a51-9d0e-5f2b7c3e8a10",
        "quantity": 1
      }
    ],
    "notes": "客户下午在家，请提前电话 Call ahead"
  },
  "visits.update": {
    "window_start": "2026-03-03T06:00:00.000Z",
    "window_end": "2026-03-03T08:00:00.000Z"
  },
  "visits.checkIn": {
    "note": "已到达 Arrived"
  },
  "visits.complete": {
    "work_summary": "更换主板，重新配对指纹 Replaced the control board, re-paired fingerprints",
    "test_passed": true,
    "test_notes": "开锁 20 次正常 Opened 20 times",
    "parts_used": [
      {
        "part_id": "01a21f90-2c1e-7a51-9d0e-5f2b7c3e8a10",
        "quantity": 1
      }
    ],
    "signoff": {
      "signed_by": "王小明",
      "signature": "M 20 100 C 60 20, 120 20, 160 100 S 260 180, 300 100",
      "signed_at": "2026-03-03T03:38:00.000Z"
    }
  },
  "visits.cancel": {
    "reason": "客户改期 The customer asked to move it"
  },
  "visits.noShow": {
    "note": "无人应门，已电话联系 Nobody home; called the customer"
  },
  "parts.create": {
    "sku": "SL2-BOARD",
    "name": "门锁主板 Smart Lock S2 control board",
    "category": "smart-lock",
    "unit_price": 12000,
    "currency": "CNY",
    "stock": 1,
    "reorder_level": 5
  },
  "parts.update": {
    "unit_price": 12500,
    "reorder_level": 8
  },
  "parts.recordMovement": {
    "kind": "received",
    "quantity": 10,
    "reason": "Delivery note DN-2026-1128"
  },
  "surveys.create": {},
  "jobs.run": {},
  "customers.create": {
    "name": "张伟",
    "kind": "person",
    "phone": "+86 138 0013 8000",
    "email": "zhang.wei@example.com",
    "region": "shanghai",
    "address": "上海市浦东新区世纪大道100号",
    "tier": "vip",
    "external_ref": "SF-0042",
    "tags": [
      "smart-home"
    ]
  },
  "customers.update": {
    "phone": "+86 138 0013 8001",
    "address": "上海市徐汇区漕溪北路88号"
  },
  "customers.upsertByExternalRef": {
    "name": "张伟",
    "kind": "person",
    "phone": "+86 138 0013 8000",
    "email": "zhang.wei@example.com",
    "region": "shanghai",
    "address": "上海市浦东新区世纪大道100号",
    "tier": "vip",
    "tags": [
      "smart-home"
    ]
  },
  "assets.create": {
    "product_model": "Oven X200 蒸烤箱",
    "category": "oven",
    "serial_number": "X200-2026-000731",
    "purchased_on": "2026-01-10",
    "warranty_until": "2028-01-10",
    "installed_on": "2026-01-15",
    "proof_of_purchase": {
      "kind": "invoice",
      "reference": "INV-2026-0110-88",
      "issued_on": "2026-01-10"
    }
  },
  "assets.update": {
    "warranty_until": "2029-01-10"
  },
  "technicians.create": {
    "name": "李娜 Li Na",
    "phone": "+86 139 0000 1111",
    "tier": 1,
    "regions": [
      "shanghai"
    ],
    "skills": [
      "oven",
      "fridge"
    ],
    "max_open_tickets": 8,
    "travel_buffer_minutes": 30
  },
  "technicians.update": {
    "skills": [
      "oven",
      "fridge",
      "dishwasher"
    ],
    "max_open_tickets": 10
  },
  "tickets.create": {
    "customer_external_ref": "SF-0042",
    "asset_id": "01a21ece-451e-7400-b200-39e6195e8dd2",
    "type": "repair",
    "channel": "phone",
    "category": "oven",
    "subject": "烤箱不加热 / oven does not heat",
    "description": "Since Monday the oven stays cold; the display shows E3.",
    "priority": "high",
    "external_ref": "CASE-88231"
  },
  "tickets.update": {
    "priority": "urgent",
    "description": "Customer called again: the oven also trips the breaker."
  },
  "tickets.addNote": {
    "kind": "call",
    "visibility": "customer",
    "body": "已联系客户，预约明天上午上门 / visit booked for tomorrow morning"
  },
  "tickets.assign": {
    "auto": true
  },
  "tickets.start": {
    "note": "On site, opening the back panel."
  },
  "tickets.hold": {
    "reason": "waiting_parts",
    "note": "Heating element ordered, arrives Thursday."
  },
  "tickets.resume": {
    "note": "Part arrived."
  },
  "tickets.escalate": {
    "reason": "Control board fault: needs a specialist.",
    "auto": true
  },
  "tickets.resolve": {
    "method": "repair",
    "summary": "更换加热管 / replaced the heating element",
    "warranty": "out_of_warranty",
    "warranty_override_reason": "Water damage inside the door seal",
    "charges": {
      "currency": "CNY",
      "items": [
        {
          "kind": "parts",
          "description": "加热管 heating element",
          "amount": 12000
        },
        {
          "kind": "labour",
          "description": "Labour 1 h",
          "amount": 8000
        }
      ]
    }
  },
  "tickets.followUp": {
    "outcome": "satisfied",
    "note": "Oven works again; customer thanked the technician."
  },
  "tickets.reopen": {
    "reason": "The fault came back after two days."
  },
  "tickets.close": {
    "note": "Closed after the customer confirmed by SMS."
  },
  "tickets.cancel": {
    "reason": "Customer solved it with the manual."
  },
  "calendars.create": {
    "name": "Shanghai service hours",
    "timezone": "Asia/Shanghai",
    "hours": {
      "mon": [
        [
          "09:00",
          "12:00"
        ],
        [
          "13:00",
          "18:00"
        ]
      ],
      "tue": [
        [
          "09:00",
          "12:00"
        ],
        [
          "13:00",
          "18:00"
        ]
      ],
      "wed": [
        [
          "09:00",
          "12:00"
        ],
        [
          "13:00",
          "18:00"
        ]
      ],
      "thu": [
        [
          "09:00",
          "12:00"
        ],
        [
          "13:00",
          "18:00"
        ]
      ],
      "fri": [
        [
          "09:00",
          "12:00"
        ],
        [
          "13:00",
          "18:00"
        ]
      ],
      "sat": [],
      "sun": []
    },
    "holidays": [
      "2026-10-01",
      "2026-10-02",
      "2026-10-05"
    ],
    "workdays": [
      "2026-10-10"
    ]
  },
  "calendars.update": {
    "holidays": [
      "2026-10-01",
      "2026-10-02",
      "2026-10-05",
      "2026-10-06"
    ]
  },
  "slaPolicies.create": {
    "name": "VIP customers",
    "position": 10,
    "match": {
      "customer_tiers": [
        "vip"
      ]
    },
    "targets": {
      "first_response": 15,
      "resolution": 240,
      "follow_up": 1440
    },
    "calendar_id": "01900000-0000-7000-8000-000000000002",
    "warn_at_percent": 75,
    "pause_on": [
      "waiting_customer"
    ],
    "on_breach": {
      "escalate": true,
      "raise_priority": true
    }
  },
  "slaPolicies.update": {
    "targets": {
      "first_response": 30,
      "resolution": 480,
      "follow_up": 1440
    }
  },
  "churn.putModel": {
    "window_days": 180,
    "weights": {
      "satisfaction": 25,
      "satisfaction_trend": 10,
      "low_scores": 15,
      "complaints": 15,
      "sla_breaches": 10,
      "reopened": 10,
      "repeat_faults": 10,
      "silence": 5,
      "open_ticket_age": 10
    },
    "thresholds": {
      "medium": 30,
      "high": 60,
      "lost_after_days": 365
    }
  },
  "apiKeys.create": {
    "name": "Salesforce sync",
    "role": "integration"
  },
  "publicSurveys.answer": {
    "csat": 5,
    "nps": 9,
    "dimensions": {
      "speed": 4,
      "professionalism": 5,
      "attitude": 5,
      "resolution": 5
    },
    "comment": "师傅很专业 / very professional"
  },
  "qa.createScorecard": {
    "name": "售后质检 2026 / After-sales QA 2026",
    "criteria": [
      {
        "key": "timely",
        "name": "响应及时 Timely response",
        "weight": 30
      },
      {
        "key": "courtesy",
        "name": "沟通规范 Communication norms",
        "weight": 20
      },
      {
        "key": "solved",
        "name": "问题彻底解决 Problem truly solved",
        "weight": 30,
        "description": "The fault did not come back within 30 days."
      },
      {
        "key": "records",
        "name": "记录完整 Complete records",
        "weight": 20
      }
    ],
    "pass_score": 80,
    "sample_percent": 10,
    "min_per_technician": 1
  },
  "qa.scoreReview": {
    "scores": {
      "timely": 5,
      "courtesy": 4,
      "solved": 2,
      "records": 4
    },
    "comment": "加热管未复测即结单 / closed without re-testing the element",
    "coaching_note": "结单前复测加热管 / re-test the element before closing"
  },
  "articles.create": {
    "title": "烤箱不加热 / Oven does not heat",
    "body": "多为加热管或温控器故障。先测加热管电阻（正常约 30–40 Ω），再检查温控器。 / Usually the heating element or the thermostat: measure the element (about 30–40 Ω), then check the thermostat.",
    "product_category": "oven",
    "symptoms": [
      "烤箱不加热",
      "oven does not heat",
      "加热指示灯亮但不热"
    ],
    "fix_steps": [
      "断电后拆下后盖 / unplug and remove the back cover",
      "测量加热管电阻 / measure the element",
      "更换损坏的加热管或温控器 / replace the failed part"
    ],
    "tags": [
      "烤箱",
      "加热管"
    ],
    "status": "published"
  },
  "articles.update": {
    "status": "published"
  },
};

// The data-subject export is made of the examples above, as the service assembles it.
const ticketExample = SCHEMA_EXAMPLES.Ticket as { id: string };
const churnExample = SCHEMA_EXAMPLES.CustomerChurnRisk as { factors: unknown[] };
SCHEMA_EXAMPLES.CustomerExport = {
  exported_at: '2026-03-10T08:00:00.000Z',
  customer: SCHEMA_EXAMPLES.Customer,
  assets: [SCHEMA_EXAMPLES.Asset],
  tickets: [SCHEMA_EXAMPLES.Ticket],
  timelines: [{ ticket_id: ticketExample.id, entries: [SCHEMA_EXAMPLES.TimelineEntry] }],
  sla_breaches: [SCHEMA_EXAMPLES.SlaBreach],
  surveys: [SCHEMA_EXAMPLES.Survey],
  visits: [SCHEMA_EXAMPLES.Visit],
  churn_scores: [{ score: 72, level: 'high', factors: churnExample.factors, scored_at: '2026-03-09T02:30:00.000Z' }],
  events: (SCHEMA_EXAMPLES.EventPage as { data: unknown[] }).data.slice(0, 1),
  audit: [SCHEMA_EXAMPLES.AuditEntry],
};
