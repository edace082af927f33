import Type from 'typebox';
import { Compile } from 'typebox/compile';
const S = Type.Object({ a: Type.Unsafe<string | null>({ type: ['string', 'null'], maxLength: 3 }), e: Type.Unsafe<'x' | 'y' | null>({ type: ['string', 'null'], enum: ['x', 'y', null] }) });
const c = Compile(S);
console.log(c.Check({ a: null, e: null }), c.Check({ a: 'abc', e: 'x' }), c.Check({ a: 5, e: 'x' }), c.Check({ a: 'abcd', e: 'x' }), c.Check({ a: 'a', e: 'z' }));
