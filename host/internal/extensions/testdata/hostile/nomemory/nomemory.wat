;; A hostile module that exports the ABI's functions but has no memory at all, so
;; there is nowhere to put its input or find its output. The host must refuse it
;; when opening it, not crash reading a memory that does not exist.
(module
  (func (export "dnw_abi_version") (result i32) (i32.const 1))
  (func (export "dnw_info") (result i64) (i64.const 0x0000001000000004))
  (func (export "dnw_alloc") (param $size i32) (result i32) (i32.const 16))
  (func (export "dnw_free") (param $ptr i32))
  (func (export "dnw_configure") (param $ptr i32) (param $len i32) (result i64)
    (i64.const 0x0000001000000004))
  (func (export "dnw_metric") (param $ptr i32) (param $len i32) (result i64)
    (i64.const 0x0000001000000004))
)
