;; A hostile metric in the WebAssembly text format whose score need not be a
;; number: it scores a batch with p0 / p1, the batch's first two prediction
;; values, and reports the sub-score "inverse", p1 / p0. So (0, 0) scores NaN,
;; (1, 0) +Inf, (-1, 0) -Inf, (0, 1) a finite score with an infinite sub-score,
;; and (1, 1) scores 1. The rest follows the ABI just enough to open (see
;; plugins/examples/wat-mse for the ABI in full).
(module
  (memory (export "memory") 1)
  (global $heap i32 (i32.const 4096))
  (data (i32.const 1024)
    "{\"abi\":1,\"name\":\"hostile-nonfinite\",\"kind\":\"metric\",\"version\":\"0\",\"description\":\"divides by its input\"}")
  ;; The output at 16: u32 status 0, f64 score (at 20), u32 K = 1, the string
  ;; "inverse", f64 its value (at 43); 35 bytes. dnw_configure returns its first 4.
  (data (i32.const 16) "\00\00\00\00")
  (data (i32.const 28) "\01\00\00\00\07\00\00\00inverse")

  (func (export "dnw_abi_version") (result i32) (i32.const 1))
  (func (export "dnw_info") (result i64)
    (i64.or (i64.shl (i64.const 1024) (i64.const 32)) (i64.const 103))) ;; the JSON's length
  ;; every input goes at the heap's start, the memory grown to hold it
  (func (export "dnw_alloc") (param $size i32) (result i32)
    (local $pages i32)
    (local.set $pages
      (i32.sub
        (i32.shr_u (i32.add (i32.add (global.get $heap) (local.get $size)) (i32.const 65535)) (i32.const 16))
        (memory.size)))
    (if (i32.gt_s (local.get $pages) (i32.const 0))
      (then (drop (memory.grow (local.get $pages)))))
    (global.get $heap))
  (func (export "dnw_free") (param $ptr i32))
  (func (export "dnw_configure") (param $ptr i32) (param $len i32) (result i64)
    (i64.or (i64.shl (i64.const 16) (i64.const 32)) (i64.const 4)))
  ;; the predictions start after the batch's 16-byte header
  (func (export "dnw_metric") (param $ptr i32) (param $len i32) (result i64)
    (local $p0 f64)
    (local $p1 f64)
    (local.set $p0 (f64.promote_f32 (f32.load offset=16 (local.get $ptr))))
    (local.set $p1 (f64.promote_f32 (f32.load offset=20 (local.get $ptr))))
    (f64.store (i32.const 20) (f64.div (local.get $p0) (local.get $p1)))
    (f64.store (i32.const 43) (f64.div (local.get $p1) (local.get $p0)))
    (i64.or (i64.shl (i64.const 16) (i64.const 32)) (i64.const 35)))
)
