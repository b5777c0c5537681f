;; A metric in the WebAssembly text format that reports sub-scores, for the tests
;; that follow them into runs.json, results.json and the report: it scores a batch
;; with the mean |prediction − target| (lower is better) and reports beside it the
;; sub-scores "max", the largest |prediction − target|, and "bias", the mean
;; prediction − target. It takes any options and ignores them. The rest follows the
;; ABI just enough (see plugins/examples/wat-mse for the ABI in full).
(module
  (memory (export "memory") 1)
  (global $heap i32 (i32.const 4096))
  (data (i32.const 1024)
    "{\"abi\":1,\"name\":\"subscores\",\"kind\":\"metric\",\"version\":\"0\",\"description\":\"mean absolute error, with its max and bias\"}")
  ;; The output at 16: u32 status 0, f64 score (at 20), u32 K = 2, then
  ;; (u32 3, "max", f64 at 39) and (u32 4, "bias", f64 at 55); 47 bytes.
  ;; dnw_configure returns its first 4.
  (data (i32.const 16) "\00\00\00\00")
  (data (i32.const 28) "\02\00\00\00\03\00\00\00max")
  (data (i32.const 47) "\04\00\00\00bias")

  (func (export "dnw_abi_version") (result i32) (i32.const 1))
  (func (export "dnw_info") (result i64)
    (i64.or (i64.shl (i64.const 1024) (i64.const 32)) (i64.const 117))) ;; the JSON's length
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
  ;; The batch: u32 N, C, H, W, then n = N·C·H·W f32 predictions, then n targets.
  (func (export "dnw_metric") (param $ptr i32) (param $len i32) (result i64)
    (local $n i32)
    (local $p i32) ;; the prediction being read
    (local $t i32) ;; its target
    (local $end i32)
    (local $d f64)
    (local $abs f64)
    (local $max f64)
    (local $sum f64)
    (local $sumabs f64)
    (local.set $n
      (i32.mul
        (i32.mul (i32.load (local.get $ptr)) (i32.load offset=4 (local.get $ptr)))
        (i32.mul (i32.load offset=8 (local.get $ptr)) (i32.load offset=12 (local.get $ptr)))))
    (local.set $p (i32.add (local.get $ptr) (i32.const 16)))
    (local.set $t (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $end (local.get $t))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $d
          (f64.sub (f64.promote_f32 (f32.load (local.get $p))) (f64.promote_f32 (f32.load (local.get $t)))))
        (local.set $abs (f64.abs (local.get $d)))
        (local.set $sum (f64.add (local.get $sum) (local.get $d)))
        (local.set $sumabs (f64.add (local.get $sumabs) (local.get $abs)))
        (local.set $max (f64.max (local.get $max) (local.get $abs)))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (local.set $t (i32.add (local.get $t) (i32.const 4)))
        (br $next)))
    (f64.store (i32.const 20) (f64.div (local.get $sumabs) (f64.convert_i32_u (local.get $n))))
    (f64.store (i32.const 39) (local.get $max))
    (f64.store (i32.const 55) (f64.div (local.get $sum) (f64.convert_i32_u (local.get $n))))
    (i64.or (i64.shl (i64.const 16) (i64.const 32)) (i64.const 47)))
)
