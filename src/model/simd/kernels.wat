;; The fast kernel's hot loops in float32 WebAssembly SIMD (byte offsets, row-major).
;; Row widths hb (in bytes) are multiples of 64: every loop over a row takes
;; four vectors (16 floats) per step.
;;
;; (The SiLUs come from ../../engine/silu-wat.ts, instantiated on this module's memory.)
;;
;; Compiled by `npm run build:wasm` into kernels-wasm.ts (checked by a test).
(module
  (memory (export "memory") 1)

  ;; mm:   out[p, o] = (bias[o] + sum_i inp[p, i] * w[i, o]) * (mul ? mul[p, o] : 1)
  ;; for p < rows (rows even: the caller pads), o < n (n a multiple of 16), i < k.
  ;; mul (0: none) is the backward pass's SiLU' of the layer below, applied on
  ;; the way out rather than in another pass over the rows.
  ;; Register blocks of 2 rows x 16 outputs: each step of the inner loop loads
  ;; two input numbers (splatted) and four vectors of w's row i, for 32
  ;; multiply-adds into 8 vector accumulators. w's rows are read contiguously.
  (func (export "mm")
    (param $inp i32) (param $w i32) (param $bias i32) (param $out i32)
    (param $rows i32) (param $k i32) (param $n i32) (param $mul i32)
    (local $p i32) (local $o i32) (local $i i32)
    (local $r0 i32) (local $r1 i32) (local $wp i32) (local $q0 i32) (local $q1 i32)
    (local $m0 i32) (local $m1 i32)
    (local $kb i32) (local $nb i32)
    (local $x0 v128) (local $x1 v128)
    (local $w0 v128) (local $w1 v128) (local $w2 v128) (local $w3 v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $b0 v128) (local $b1 v128) (local $b2 v128) (local $b3 v128)
    (local.set $kb (i32.shl (local.get $k) (i32.const 2)))
    (local.set $nb (i32.shl (local.get $n) (i32.const 2)))
    (local.set $p (i32.const 0))
    (block $rowsDone
      (loop $rowsLoop
        (br_if $rowsDone (i32.ge_u (local.get $p) (local.get $rows)))
        ;; r0, r1: the two input rows; q0, q1: the two output rows; m0, m1: the two rows of mul
        (local.set $r0 (i32.add (local.get $inp) (i32.mul (local.get $p) (local.get $kb))))
        (local.set $r1 (i32.add (local.get $r0) (local.get $kb)))
        (local.set $q0 (i32.add (local.get $out) (i32.mul (local.get $p) (local.get $nb))))
        (local.set $q1 (i32.add (local.get $q0) (local.get $nb)))
        (local.set $m0 (i32.add (local.get $mul) (i32.mul (local.get $p) (local.get $nb))))
        (local.set $m1 (i32.add (local.get $m0) (local.get $nb)))
        (local.set $o (i32.const 0))
        (block $colsDone
          (loop $colsLoop
            (br_if $colsDone (i32.ge_u (local.get $o) (local.get $nb)))
            (local.set $a0 (v128.load offset=0 (i32.add (local.get $bias) (local.get $o))))
            (local.set $a1 (v128.load offset=16 (i32.add (local.get $bias) (local.get $o))))
            (local.set $a2 (v128.load offset=32 (i32.add (local.get $bias) (local.get $o))))
            (local.set $a3 (v128.load offset=48 (i32.add (local.get $bias) (local.get $o))))
            (local.set $b0 (local.get $a0))
            (local.set $b1 (local.get $a1))
            (local.set $b2 (local.get $a2))
            (local.set $b3 (local.get $a3))
            (local.set $wp (i32.add (local.get $w) (local.get $o)))
            (local.set $i (i32.const 0))
            (block $innerDone
              (loop $innerLoop
                (br_if $innerDone (i32.ge_u (local.get $i) (local.get $kb)))
                (local.set $x0 (v128.load32_splat (i32.add (local.get $r0) (local.get $i))))
                (local.set $x1 (v128.load32_splat (i32.add (local.get $r1) (local.get $i))))
                (local.set $w0 (v128.load offset=0 (local.get $wp)))
                (local.set $w1 (v128.load offset=16 (local.get $wp)))
                (local.set $w2 (v128.load offset=32 (local.get $wp)))
                (local.set $w3 (v128.load offset=48 (local.get $wp)))
                (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $x0) (local.get $w0))))
                (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $x0) (local.get $w1))))
                (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $x0) (local.get $w2))))
                (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $x0) (local.get $w3))))
                (local.set $b0 (f32x4.add (local.get $b0) (f32x4.mul (local.get $x1) (local.get $w0))))
                (local.set $b1 (f32x4.add (local.get $b1) (f32x4.mul (local.get $x1) (local.get $w1))))
                (local.set $b2 (f32x4.add (local.get $b2) (f32x4.mul (local.get $x1) (local.get $w2))))
                (local.set $b3 (f32x4.add (local.get $b3) (f32x4.mul (local.get $x1) (local.get $w3))))
                (local.set $wp (i32.add (local.get $wp) (local.get $nb)))
                (local.set $i (i32.add (local.get $i) (i32.const 4)))
                (br $innerLoop)))
            (if (local.get $mul)
              (then
                (local.set $a0 (f32x4.mul (local.get $a0) (v128.load offset=0 (i32.add (local.get $m0) (local.get $o)))))
                (local.set $a1 (f32x4.mul (local.get $a1) (v128.load offset=16 (i32.add (local.get $m0) (local.get $o)))))
                (local.set $a2 (f32x4.mul (local.get $a2) (v128.load offset=32 (i32.add (local.get $m0) (local.get $o)))))
                (local.set $a3 (f32x4.mul (local.get $a3) (v128.load offset=48 (i32.add (local.get $m0) (local.get $o)))))
                (local.set $b0 (f32x4.mul (local.get $b0) (v128.load offset=0 (i32.add (local.get $m1) (local.get $o)))))
                (local.set $b1 (f32x4.mul (local.get $b1) (v128.load offset=16 (i32.add (local.get $m1) (local.get $o)))))
                (local.set $b2 (f32x4.mul (local.get $b2) (v128.load offset=32 (i32.add (local.get $m1) (local.get $o)))))
                (local.set $b3 (f32x4.mul (local.get $b3) (v128.load offset=48 (i32.add (local.get $m1) (local.get $o)))))))
            (v128.store offset=0 (i32.add (local.get $q0) (local.get $o)) (local.get $a0))
            (v128.store offset=16 (i32.add (local.get $q0) (local.get $o)) (local.get $a1))
            (v128.store offset=32 (i32.add (local.get $q0) (local.get $o)) (local.get $a2))
            (v128.store offset=48 (i32.add (local.get $q0) (local.get $o)) (local.get $a3))
            (v128.store offset=0 (i32.add (local.get $q1) (local.get $o)) (local.get $b0))
            (v128.store offset=16 (i32.add (local.get $q1) (local.get $o)) (local.get $b1))
            (v128.store offset=32 (i32.add (local.get $q1) (local.get $o)) (local.get $b2))
            (v128.store offset=48 (i32.add (local.get $q1) (local.get $o)) (local.get $b3))
            (local.set $o (i32.add (local.get $o) (i32.const 64)))
            (br $colsLoop)))
        (local.set $p (i32.add (local.get $p) (i32.const 2)))
        (br $rowsLoop))))

  ;; pairsum: out[r] = pp[i_r][0, hb) + pp[j_r][hb, 2 hb)  (pairs = 1)
  ;;          out[r] = pp[i_r][0, hb)                      (pairs = 0)
  ;; for r < count: g's first layer from the per-entity projections. rows holds
  ;; (i_r, j_r) as i32 pairs; pp's rows are `stride` bytes apart; out's hb.
  (func (export "pairsum")
    (param $pp i32) (param $stride i32) (param $rows i32) (param $count i32)
    (param $hb i32) (param $pairs i32) (param $out i32)
    (local $end i32) (local $a i32) (local $b i32) (local $o i32)
    (local.set $end (i32.add (local.get $rows) (i32.shl (local.get $count) (i32.const 3))))
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $rows) (local.get $end)))
        (local.set $a (i32.add (local.get $pp) (i32.mul (i32.load (local.get $rows)) (local.get $stride))))
        (local.set $b
          (i32.add (i32.add (local.get $pp) (local.get $hb)) (i32.mul (i32.load offset=4 (local.get $rows)) (local.get $stride))))
        (local.set $o (i32.const 0))
        (if (local.get $pairs)
          (then
            (loop $cols
              (v128.store offset=0 (i32.add (local.get $out) (local.get $o))
                (f32x4.add (v128.load offset=0 (i32.add (local.get $a) (local.get $o))) (v128.load offset=0 (i32.add (local.get $b) (local.get $o)))))
              (v128.store offset=16 (i32.add (local.get $out) (local.get $o))
                (f32x4.add (v128.load offset=16 (i32.add (local.get $a) (local.get $o))) (v128.load offset=16 (i32.add (local.get $b) (local.get $o)))))
              (v128.store offset=32 (i32.add (local.get $out) (local.get $o))
                (f32x4.add (v128.load offset=32 (i32.add (local.get $a) (local.get $o))) (v128.load offset=32 (i32.add (local.get $b) (local.get $o)))))
              (v128.store offset=48 (i32.add (local.get $out) (local.get $o))
                (f32x4.add (v128.load offset=48 (i32.add (local.get $a) (local.get $o))) (v128.load offset=48 (i32.add (local.get $b) (local.get $o)))))
              (local.set $o (i32.add (local.get $o) (i32.const 64)))
              (br_if $cols (i32.lt_u (local.get $o) (local.get $hb)))))
          (else
            (loop $cols
              (v128.store offset=0 (i32.add (local.get $out) (local.get $o)) (v128.load offset=0 (i32.add (local.get $a) (local.get $o))))
              (v128.store offset=16 (i32.add (local.get $out) (local.get $o)) (v128.load offset=16 (i32.add (local.get $a) (local.get $o))))
              (v128.store offset=32 (i32.add (local.get $out) (local.get $o)) (v128.load offset=32 (i32.add (local.get $a) (local.get $o))))
              (v128.store offset=48 (i32.add (local.get $out) (local.get $o)) (v128.load offset=48 (i32.add (local.get $a) (local.get $o))))
              (local.set $o (i32.add (local.get $o) (i32.const 64)))
              (br_if $cols (i32.lt_u (local.get $o) (local.get $hb))))))
        (local.set $out (i32.add (local.get $out) (local.get $hb)))
        (local.set $rows (i32.add (local.get $rows) (i32.const 8)))
        (br $row))))

  ;; scatter: the reverse of pairsum, accumulating into dp (zeroed by the caller):
  ;; dp[i_r][0, hb) += d[r] and, when pairs = 1, dp[j_r][hb, 2 hb) += d[r], for r < count.
  (func (export "scatter")
    (param $d i32) (param $rows i32) (param $count i32) (param $hb i32) (param $pairs i32)
    (param $dp i32) (param $stride i32)
    (local $end i32) (local $a i32) (local $b i32) (local $o i32)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128)
    (local.set $end (i32.add (local.get $rows) (i32.shl (local.get $count) (i32.const 3))))
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $rows) (local.get $end)))
        (local.set $a (i32.add (local.get $dp) (i32.mul (i32.load (local.get $rows)) (local.get $stride))))
        (local.set $b
          (i32.add (i32.add (local.get $dp) (local.get $hb)) (i32.mul (i32.load offset=4 (local.get $rows)) (local.get $stride))))
        (local.set $o (i32.const 0))
        (loop $cols
          (local.set $v0 (v128.load offset=0 (i32.add (local.get $d) (local.get $o))))
          (local.set $v1 (v128.load offset=16 (i32.add (local.get $d) (local.get $o))))
          (local.set $v2 (v128.load offset=32 (i32.add (local.get $d) (local.get $o))))
          (local.set $v3 (v128.load offset=48 (i32.add (local.get $d) (local.get $o))))
          (v128.store offset=0 (i32.add (local.get $a) (local.get $o))
            (f32x4.add (v128.load offset=0 (i32.add (local.get $a) (local.get $o))) (local.get $v0)))
          (v128.store offset=16 (i32.add (local.get $a) (local.get $o))
            (f32x4.add (v128.load offset=16 (i32.add (local.get $a) (local.get $o))) (local.get $v1)))
          (v128.store offset=32 (i32.add (local.get $a) (local.get $o))
            (f32x4.add (v128.load offset=32 (i32.add (local.get $a) (local.get $o))) (local.get $v2)))
          (v128.store offset=48 (i32.add (local.get $a) (local.get $o))
            (f32x4.add (v128.load offset=48 (i32.add (local.get $a) (local.get $o))) (local.get $v3)))
          (if (local.get $pairs)
            (then
              (v128.store offset=0 (i32.add (local.get $b) (local.get $o))
                (f32x4.add (v128.load offset=0 (i32.add (local.get $b) (local.get $o))) (local.get $v0)))
              (v128.store offset=16 (i32.add (local.get $b) (local.get $o))
                (f32x4.add (v128.load offset=16 (i32.add (local.get $b) (local.get $o))) (local.get $v1)))
              (v128.store offset=32 (i32.add (local.get $b) (local.get $o))
                (f32x4.add (v128.load offset=32 (i32.add (local.get $b) (local.get $o))) (local.get $v2)))
              (v128.store offset=48 (i32.add (local.get $b) (local.get $o))
                (f32x4.add (v128.load offset=48 (i32.add (local.get $b) (local.get $o))) (local.get $v3)))))
          (local.set $o (i32.add (local.get $o) (i32.const 64)))
          (br_if $cols (i32.lt_u (local.get $o) (local.get $hb))))
        (local.set $d (i32.add (local.get $d) (local.get $hb)))
        (local.set $rows (i32.add (local.get $rows) (i32.const 8)))
        (br $row))))

  ;; pool: out[o] = sum_{r < count} gate[r] h[r, o], h's rows hb bytes apart (count 0: zeros).
  (func (export "pool")
    (param $h i32) (param $gate i32) (param $count i32) (param $hb i32) (param $out i32)
    (local $o i32) (local $p i32) (local $g i32) (local $end i32) (local $x v128)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local.set $end (i32.add (local.get $gate) (i32.shl (local.get $count) (i32.const 2))))
    (loop $cols
      (local.set $s0 (v128.const i32x4 0 0 0 0))
      (local.set $s1 (v128.const i32x4 0 0 0 0))
      (local.set $s2 (v128.const i32x4 0 0 0 0))
      (local.set $s3 (v128.const i32x4 0 0 0 0))
      (local.set $p (i32.add (local.get $h) (local.get $o)))
      (local.set $g (local.get $gate))
      (block $done
        (loop $row
          (br_if $done (i32.ge_u (local.get $g) (local.get $end)))
          (local.set $x (v128.load32_splat (local.get $g)))
          (local.set $s0 (f32x4.add (local.get $s0) (f32x4.mul (local.get $x) (v128.load offset=0 (local.get $p)))))
          (local.set $s1 (f32x4.add (local.get $s1) (f32x4.mul (local.get $x) (v128.load offset=16 (local.get $p)))))
          (local.set $s2 (f32x4.add (local.get $s2) (f32x4.mul (local.get $x) (v128.load offset=32 (local.get $p)))))
          (local.set $s3 (f32x4.add (local.get $s3) (f32x4.mul (local.get $x) (v128.load offset=48 (local.get $p)))))
          (local.set $p (i32.add (local.get $p) (local.get $hb)))
          (local.set $g (i32.add (local.get $g) (i32.const 4)))
          (br $row)))
      (v128.store offset=0 (i32.add (local.get $out) (local.get $o)) (local.get $s0))
      (v128.store offset=16 (i32.add (local.get $out) (local.get $o)) (local.get $s1))
      (v128.store offset=32 (i32.add (local.get $out) (local.get $o)) (local.get $s2))
      (v128.store offset=48 (i32.add (local.get $out) (local.get $o)) (local.get $s3))
      (local.set $o (i32.add (local.get $o) (i32.const 64)))
      (br_if $cols (i32.lt_u (local.get $o) (local.get $hb)))))

  ;; seed: out[r, o] = gate[r] dpool[o] der[r, o] for r < count: dE/dpre of g's
  ;; last layer (the reverse of pool, then SiLU').
  (func (export "seed")
    (param $gate i32) (param $dpool i32) (param $der i32) (param $count i32) (param $hb i32) (param $out i32)
    (local $end i32) (local $o i32) (local $x v128)
    (local.set $end (i32.add (local.get $gate) (i32.shl (local.get $count) (i32.const 2))))
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $gate) (local.get $end)))
        (local.set $x (v128.load32_splat (local.get $gate)))
        (local.set $o (i32.const 0))
        (loop $cols
          (v128.store offset=0 (i32.add (local.get $out) (local.get $o))
            (f32x4.mul (f32x4.mul (local.get $x) (v128.load offset=0 (i32.add (local.get $dpool) (local.get $o))))
              (v128.load offset=0 (i32.add (local.get $der) (local.get $o)))))
          (v128.store offset=16 (i32.add (local.get $out) (local.get $o))
            (f32x4.mul (f32x4.mul (local.get $x) (v128.load offset=16 (i32.add (local.get $dpool) (local.get $o))))
              (v128.load offset=16 (i32.add (local.get $der) (local.get $o)))))
          (v128.store offset=32 (i32.add (local.get $out) (local.get $o))
            (f32x4.mul (f32x4.mul (local.get $x) (v128.load offset=32 (i32.add (local.get $dpool) (local.get $o))))
              (v128.load offset=32 (i32.add (local.get $der) (local.get $o)))))
          (v128.store offset=48 (i32.add (local.get $out) (local.get $o))
            (f32x4.mul (f32x4.mul (local.get $x) (v128.load offset=48 (i32.add (local.get $dpool) (local.get $o))))
              (v128.load offset=48 (i32.add (local.get $der) (local.get $o)))))
          (local.set $o (i32.add (local.get $o) (i32.const 64)))
          (br_if $cols (i32.lt_u (local.get $o) (local.get $hb))))
        (local.set $der (i32.add (local.get $der) (local.get $hb)))
        (local.set $out (i32.add (local.get $out) (local.get $hb)))
        (local.set $gate (i32.add (local.get $gate) (i32.const 4)))
        (br $row)))))
