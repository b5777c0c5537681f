;; A hostile metric in the WebAssembly text format whose dnw_metric executes
;; `unreachable`: a raw trap, beneath any SDK that could recover it. The rest
;; follows the ABI just enough to open (see plugins/examples/wat-mse for the ABI in
;; full).
(module
  (memory (export "memory") 1)
  (global $heap i32 (i32.const 4096))
  (data (i32.const 1024)
    "{\"abi\":1,\"name\":\"hostile-unreachable\",\"kind\":\"metric\",\"version\":\"0\",\"description\":\"traps\"}")
  (data (i32.const 16) "\00\00\00\00") ;; an envelope of status 0 and no body

  (func (export "dnw_abi_version") (result i32) (i32.const 1))
  (func (export "dnw_info") (result i64)
    (i64.or (i64.shl (i64.const 1024) (i64.const 32)) (i64.const 90))) ;; the JSON's length
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
  (func (export "dnw_metric") (param $ptr i32) (param $len i32) (result i64)
    unreachable)
)
