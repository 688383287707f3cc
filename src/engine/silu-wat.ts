/**
 * The WebAssembly text of the fused SiLU kernels (./silu.ts), generated here
 * rather than written out: each kernel evaluates the sigmoid of four vectors
 * at once with their instructions interleaved, since one vector's polynomial
 * is a chain of dependent multiply-adds and leaves the CPU idle between them
 * (measured: 1 vector per iteration 2.1x slower than 4; 4 about as fast as
 * the backend's own Sigmoid kernel). `npm run build:wasm` compiles it into
 * ./silu-wasm.ts; a test checks that file is up to date.
 *
 * The kernels run on the memory the module imports: the engine's, on its
 * tensors (./silu.ts), or the one-scene kernel's (../model/simd/kernels.ts). Byte offsets; count >= 16 floats: the main loop takes 16 at a
 * time and one last block ends exactly at the end, overlapping the one
 * before (outputs never alias inputs, so recomputing is harmless).
 *
 *   silu:          out = x s                                s = sigmoid(x)
 *   silu_grad:     out = dy s (1 + x (1 - s))
 *   silu_grad2:    out = up dy s (1 - s) (2 + x (1 - 2 s))
 *   silu_and_grad: h = x s, der = s (1 + x (1 - s))   (for ../model/simd/kernels.ts)
 *
 * The sigmoid is 1 / (1 + exp(-x)) with Cephes' expf: exp(y) = 2^n exp(r),
 * n = round(y log2 e) by the 1.5 x 2^23 trick (the sum's low mantissa bits
 * are n), r = y - n ln 2 in two parts, exp(r) a degree-7 polynomial, and 2^n
 * built in the exponent bits. Relative error about 2e-7.
 */

const UNROLL = 4;
const lanes = Array.from({ length: UNROLL }, (_, k) => k);
const c = (v: string) => `(v128.const f32x4 ${v} ${v} ${v} ${v})`;
const ONE = c('1');

/** s_k = sigmoid(v_k), one instruction list per lane (each line one statement). */
function sigmoidLines(k: number): string[] {
  const L = (name: string) => `$${name}${k}`;
  const get = (name: string) => `(local.get ${L(name)})`;
  const set = (name: string, expr: string) => `(local.set ${L(name)} ${expr})`;
  const horner = (coef: string) =>
    set('p', `(f32x4.add (f32x4.mul ${get('p')} ${get('r')}) ${c(coef)})`);
  return [
    set('y', `(f32x4.pmin (f32x4.pmax (f32x4.neg ${get('v')}) ${c('-87.3')}) ${c('88.3')})`),
    set('t', `(f32x4.add (f32x4.mul ${get('y')} ${c('1.44269504088896341')}) ${c('12582912.0')})`),
    set('n', `(f32x4.sub ${get('t')} ${c('12582912.0')})`),
    set('r', `(f32x4.sub ${get('y')} (f32x4.mul ${get('n')} ${c('0.693359375')}))`),
    set('r', `(f32x4.sub ${get('r')} (f32x4.mul ${get('n')} ${c('-2.12194440e-4')}))`),
    set('p', c('1.9875691500e-4')),
    horner('1.3981999507e-3'),
    horner('8.3334519073e-3'),
    horner('4.1665795894e-2'),
    horner('1.6666665459e-1'),
    horner('5.0000001201e-1'),
    set(
      'e',
      `(f32x4.add (f32x4.add (f32x4.mul ${get('p')} (f32x4.mul ${get('r')} ${get('r')})) ${get('r')}) ${ONE})`,
    ),
    set(
      'e',
      `(f32x4.mul ${get('e')} (i32x4.shl (i32x4.add (i32x4.sub ${get('t')} (v128.const i32x4 0x4b400000 0x4b400000 0x4b400000 0x4b400000)) (i32x4.splat (i32.const 127))) (i32.const 23)))`,
    ),
    set('s', `(f32x4.div ${ONE} (f32x4.add ${ONE} ${get('e')}))`),
  ];
}

interface Kernel {
  name: string;
  /** Pointer parameters after x, read as inputs. */
  inputs: string[];
  /** Output pointer parameters and the vector each gets, for lane k, from v = $v{k}, s = $s{k} and the loaded inputs `$<input>{k}`. */
  outputs: { param: string; result: (k: number) => string }[];
}

const KERNELS: Kernel[] = [
  {
    name: 'silu',
    inputs: [],
    outputs: [{ param: 'out', result: (k) => `(f32x4.mul (local.get $v${k}) (local.get $s${k}))` }],
  },
  {
    name: 'silu_grad',
    inputs: ['dy'],
    outputs: [
      {
        param: 'out',
        result: (k) =>
          `(f32x4.mul (local.get $dy${k}) (f32x4.mul (local.get $s${k}) (f32x4.add ${ONE} (f32x4.mul (local.get $v${k}) (f32x4.sub ${ONE} (local.get $s${k}))))))`,
      },
    ],
  },
  {
    name: 'silu_grad2',
    inputs: ['dy', 'up'],
    outputs: [
      {
        param: 'out',
        result: (k) =>
          `(f32x4.mul (f32x4.mul (local.get $up${k}) (local.get $dy${k})) (f32x4.mul (f32x4.mul (local.get $s${k}) (f32x4.sub ${ONE} (local.get $s${k}))) (f32x4.add ${c('2')} (f32x4.mul (local.get $v${k}) (f32x4.sub ${ONE} (f32x4.add (local.get $s${k}) (local.get $s${k})))))))`,
      },
    ],
  },
  // For the one-scene kernel (../model/simd/kernels.ts): the activation and its derivative in one pass.
  {
    name: 'silu_and_grad',
    inputs: [],
    outputs: [
      { param: 'h', result: (k) => `(f32x4.mul (local.get $v${k}) (local.get $s${k}))` },
      {
        param: 'der',
        result: (k) =>
          `(f32x4.mul (local.get $s${k}) (f32x4.add ${ONE} (f32x4.mul (local.get $v${k}) (f32x4.sub ${ONE} (local.get $s${k})))))`,
      },
    ],
  },
];

/** One block of 4 x UNROLL floats at byte offset $o. */
function block(kernel: Kernel): string {
  const at = (ptr: string, k: number) =>
    `(i32.add (local.get $${ptr}) (i32.add (local.get $o) (i32.const ${16 * k})))`;
  const lines: string[] = [];
  for (const k of lanes) lines.push(`(local.set $v${k} (v128.load ${at('x', k)}))`);
  const perLane = lanes.map(sigmoidLines);
  for (let i = 0; i < perLane[0].length; i++) for (const k of lanes) lines.push(perLane[k][i]);
  for (const input of kernel.inputs)
    for (const k of lanes) lines.push(`(local.set $${input}${k} (v128.load ${at(input, k)}))`);
  for (const out of kernel.outputs)
    for (const k of lanes) lines.push(`(v128.store ${at(out.param, k)} ${out.result(k)})`);
  return lines.join('\n        ');
}

function kernelFunc(kernel: Kernel): string {
  const params = ['x', ...kernel.inputs, ...kernel.outputs.map((o) => o.param)]
    .map((p) => `(param $${p} i32)`)
    .join(' ');
  const vectors = ['v', 's', 'y', 't', 'n', 'r', 'p', 'e', ...kernel.inputs];
  const locals = lanes
    .map((k) => vectors.map((v) => `(local $${v}${k} v128)`).join(' '))
    .join('\n    ');
  const step = 16 * UNROLL;
  return `
  (func (export "${kernel.name}") ${params} (param $count i32)
    (local $o i32) (local $end i32)
    ${locals}
    (local.set $end (i32.shl (local.get $count) (i32.const 2)))
    (block $done
      (loop $next
        ;; the last block ends at $end exactly
        (if (i32.gt_u (i32.add (local.get $o) (i32.const ${step})) (local.get $end))
          (then (local.set $o (i32.sub (local.get $end) (i32.const ${step})))))
        ${block(kernel)}
        (local.set $o (i32.add (local.get $o) (i32.const ${step})))
        (br_if $next (i32.lt_u (local.get $o) (local.get $end))))))`;
}

/** Floats per kernel block: smaller tensors go through plain loops. */
export const SILU_MIN_COUNT = 4 * UNROLL;

export function wat(): string {
  return `;; Generated by src/engine/silu-wat.ts: see there.
(module
  (import "env" "memory" (memory 1))${KERNELS.map(kernelFunc).join('\n')})
`;
}
