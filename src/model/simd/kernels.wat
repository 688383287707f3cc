;; The fast kernel's hot loops in float32 WebAssembly SIMD (byte offsets, row-major).
;;
;; mm:   out[p, o] = bias[o] + sum_i inp[p, i] * w[i, o]
;; for p < rows (rows even: the caller pads), o < n (n a multiple of 16), i < k.
;; Register blocks of 2 rows x 16 outputs: each step of the inner loop loads
;; two input numbers (splatted) and four vectors of w's row i, for 32
;; multiply-adds into 8 vector accumulators. w's rows are read contiguously.
;;
;; (The SiLUs come from ../../engine/silu-wat.ts, instantiated on this module's memory.)
;;
;; Compiled by `npm run build:wasm` into kernels-wasm.ts (checked by a test).
(module
  (memory (export "memory") 1)
  (func (export "mm")
    (param $inp i32) (param $w i32) (param $bias i32) (param $out i32)
    (param $rows i32) (param $k i32) (param $n i32)
    (local $p i32) (local $o i32) (local $i i32)
    (local $r0 i32) (local $r1 i32) (local $wp i32) (local $q0 i32) (local $q1 i32)
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
        ;; r0, r1: the two input rows; q0, q1: the two output rows
        (local.set $r0 (i32.add (local.get $inp) (i32.mul (local.get $p) (local.get $kb))))
        (local.set $r1 (i32.add (local.get $r0) (local.get $kb)))
        (local.set $q0 (i32.add (local.get $out) (i32.mul (local.get $p) (local.get $nb))))
        (local.set $q1 (i32.add (local.get $q0) (local.get $nb)))
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
        (br $rowsLoop)))))
