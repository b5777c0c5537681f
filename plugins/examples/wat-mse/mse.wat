;; mse-wat: a dnw metric extension written by hand in the WebAssembly text format,
;; to show that the extension ABI (sdk/ext: abi.go, wire.go, images.go) is
;; language-neutral. It scores a batch with the mean squared error of its [-1, 1]
;; values, Σ(pred − target)² / (N·C·H·W), lower is better. No imports: it needs
;; nothing from WASI.
;;
;; Memory map (one 64 KiB page at the start; dnw_alloc grows it as needed):
;;
;;   0     .. 15    never handed out (the host refuses address 0)
;;   16    .. 1023  the output area: each call writes its envelope here, and it
;;                  stays valid until the next call, as the ABI asks
;;   1024  .. 2047  the metadata JSON, NUL-terminated
;;   2048  .. 4095  error messages, NUL-terminated, 128 bytes apart
;;   4096  ..       the heap: the inputs dnw_alloc hands out
;;
;; Values are little-endian (WebAssembly's own order, and the ABI's).
(module
  (memory (export "memory") 1)

  (global $heap_base i32 (i32.const 4096))
  ;; The bump allocator's next free byte. Every call (dnw_configure, dnw_metric)
  ;; starts by setting it back to $heap_base: a call's input is the only buffer
  ;; the host allocates for it, the host never touches it again after the call but
  ;; to free it, and this module allocates nothing of its own while it runs. So
  ;; dnw_free has nothing to do, and memory stays at the size of the largest batch.
  (global $heap (mut i32) (i32.const 4096))

  (global $out i32 (i32.const 16))

  (data (i32.const 1024)
    "{\"abi\":1,\"name\":\"mse-wat\",\"kind\":\"metric\",\"version\":\"1.0.0\","
    "\"description\":\"mean squared error of the [-1, 1] values over the batch (lower is better), "
    "written by hand in the WebAssembly text format\"}\00")

  (global $msg_options i32 (i32.const 2048))
  (data (i32.const 2048) "mse-wat takes no options: only {} or nothing\00")
  (global $msg_header i32 (i32.const 2176))
  (data (i32.const 2176) "mse-wat: the batch is shorter than its 16-byte header\00")
  (global $msg_size i32 (i32.const 2304))
  (data (i32.const 2304) "mse-wat: the batch's size does not match its shape (16 + 8*N*C*H*W bytes)\00")
  (global $msg_empty i32 (i32.const 2432))
  (data (i32.const 2432) "mse-wat: the batch holds no values\00")

  ;; pack puts a pointer in the high 32 bits of an i64 and a length in the low.
  (func $pack (param $ptr i32) (param $len i32) (result i64)
    (i64.or
      (i64.shl (i64.extend_i32_u (local.get $ptr)) (i64.const 32))
      (i64.extend_i32_u (local.get $len))))

  ;; strlen is the length of the NUL-terminated string at $p.
  (func $strlen (param $p i32) (result i32)
    (local $q i32)
    (local.set $q (local.get $p))
    (block $done
      (loop $next
        (br_if $done (i32.eqz (i32.load8_u (local.get $q))))
        (local.set $q (i32.add (local.get $q) (i32.const 1)))
        (br $next)))
    (i32.sub (local.get $q) (local.get $p)))

  ;; ok is an envelope of status 0 and no body.
  (func $ok (result i64)
    (i32.store (global.get $out) (i32.const 0))
    (call $pack (global.get $out) (i32.const 4)))

  ;; fail is an envelope of status 1 and the message at $msg: u32 1, u32 length,
  ;; the bytes.
  (func $fail (param $msg i32) (result i64)
    (local $n i32)
    (local $i i32)
    (local.set $n (call $strlen (local.get $msg)))
    (i32.store (global.get $out) (i32.const 1))
    (i32.store offset=4 (global.get $out) (local.get $n))
    (block $done
      (loop $copy
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (i32.store8 offset=8
          (i32.add (global.get $out) (local.get $i))
          (i32.load8_u (i32.add (local.get $msg) (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $copy)))
    (call $pack (global.get $out) (i32.add (i32.const 8) (local.get $n))))

  (func (export "dnw_abi_version") (result i32)
    (i32.const 1))

  (func (export "dnw_info") (result i64)
    (call $pack (i32.const 1024) (call $strlen (i32.const 1024))))

  ;; dnw_alloc hands out $size bytes at the bump pointer, 8-aligned, growing the
  ;; memory when they do not fit; 0 when the memory cannot grow (the host's cap).
  (func (export "dnw_alloc") (param $size i32) (result i32)
    (local $ptr i32)
    (local $end i64)
    (local $pages i64)
    (local.set $ptr
      (i32.and (i32.add (global.get $heap) (i32.const 7)) (i32.const -8)))
    (local.set $end
      (i64.add (i64.extend_i32_u (local.get $ptr)) (i64.extend_i32_u (local.get $size))))
    ;; pages needed beyond the current size, rounded up
    (local.set $pages
      (i64.sub
        (i64.shr_u (i64.add (local.get $end) (i64.const 65535)) (i64.const 16))
        (i64.extend_i32_u (memory.size))))
    (if (i64.gt_s (local.get $pages) (i64.const 0))
      (then
        (if (i32.eq (memory.grow (i32.wrap_i64 (local.get $pages))) (i32.const -1))
          (then (return (i32.const 0))))))
    (global.set $heap (i32.wrap_i64 (local.get $end)))
    (local.get $ptr))

  ;; dnw_free has nothing to do: see $heap.
  (func (export "dnw_free") (param $ptr i32))

  ;; skip_space is the first byte at or after $i, before $end, that is not JSON
  ;; white space.
  (func $skip_space (param $i i32) (param $end i32) (result i32)
    (local $c i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $c (i32.load8_u (local.get $i)))
        (br_if $done
          (i32.eqz
            (i32.or
              (i32.or (i32.eq (local.get $c) (i32.const 0x20)) (i32.eq (local.get $c) (i32.const 0x09)))
              (i32.or (i32.eq (local.get $c) (i32.const 0x0a)) (i32.eq (local.get $c) (i32.const 0x0d))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $i))

  ;; dnw_configure accepts no input or an empty JSON object: the metric takes no
  ;; options.
  (func (export "dnw_configure") (param $ptr i32) (param $len i32) (result i64)
    (local $i i32)
    (local $end i32)
    (global.set $heap (global.get $heap_base))
    (local.set $end (i32.add (local.get $ptr) (local.get $len)))
    (local.set $i (call $skip_space (local.get $ptr) (local.get $end)))
    (if (i32.eq (local.get $i) (local.get $end))
      (then (return (call $ok))))
    (if (i32.ne (i32.load8_u (local.get $i)) (i32.const 0x7b)) ;; {
      (then (return (call $fail (global.get $msg_options)))))
    (local.set $i
      (call $skip_space (i32.add (local.get $i) (i32.const 1)) (local.get $end)))
    (if (i32.eq (local.get $i) (local.get $end))
      (then (return (call $fail (global.get $msg_options)))))
    (if (i32.ne (i32.load8_u (local.get $i)) (i32.const 0x7d)) ;; }
      (then (return (call $fail (global.get $msg_options)))))
    (local.set $i
      (call $skip_space (i32.add (local.get $i) (i32.const 1)) (local.get $end)))
    (if (i32.ne (local.get $i) (local.get $end))
      (then (return (call $fail (global.get $msg_options)))))
    (call $ok))

  ;; dnw_metric scores a metric batch: u32 N, C, H, W, then N·C·H·W f32
  ;; predictions, then as many f32 targets. Its output is an envelope of status 0
  ;; and a score: f64 value, u32 0 sub-scores.
  (func (export "dnw_metric") (param $ptr i32) (param $len i32) (result i64)
    (local $n i64)    ;; values per side, N·C·H·W
    (local $p i32)    ;; the next prediction
    (local $t i32)    ;; the next target
    (local $end i32)  ;; the end of the predictions
    (local $d f64)
    (local $sum f64)
    (global.set $heap (global.get $heap_base))
    (if (i32.lt_u (local.get $len) (i32.const 16))
      (then (return (call $fail (global.get $msg_header)))))
    ;; N·C·H·W in 64 bits, checked against the length after every product so that
    ;; none can overflow (each factor is below 2^32, and so is the length).
    (local.set $n (i64.load32_u (local.get $ptr)))
    (local.set $n (i64.mul (local.get $n) (i64.load32_u offset=4 (local.get $ptr))))
    (if (i64.gt_u (local.get $n) (i64.extend_i32_u (local.get $len)))
      (then (return (call $fail (global.get $msg_size)))))
    (local.set $n (i64.mul (local.get $n) (i64.load32_u offset=8 (local.get $ptr))))
    (if (i64.gt_u (local.get $n) (i64.extend_i32_u (local.get $len)))
      (then (return (call $fail (global.get $msg_size)))))
    (local.set $n (i64.mul (local.get $n) (i64.load32_u offset=12 (local.get $ptr))))
    (if (i64.gt_u (local.get $n) (i64.extend_i32_u (local.get $len)))
      (then (return (call $fail (global.get $msg_size)))))
    (if (i64.ne
          (i64.add (i64.const 16) (i64.mul (i64.const 8) (local.get $n)))
          (i64.extend_i32_u (local.get $len)))
      (then (return (call $fail (global.get $msg_size)))))
    (if (i64.eqz (local.get $n))
      (then (return (call $fail (global.get $msg_empty)))))
    (local.set $p (i32.add (local.get $ptr) (i32.const 16)))
    (local.set $end
      (i32.add (local.get $p) (i32.wrap_i64 (i64.mul (i64.const 4) (local.get $n)))))
    (local.set $t (local.get $end))
    ;; Σ (pred − target)², each difference taken in f64
    (loop $next
      (local.set $d
        (f64.sub
          (f64.promote_f32 (f32.load (local.get $p)))
          (f64.promote_f32 (f32.load (local.get $t)))))
      (local.set $sum (f64.add (local.get $sum) (f64.mul (local.get $d) (local.get $d))))
      (local.set $p (i32.add (local.get $p) (i32.const 4)))
      (local.set $t (i32.add (local.get $t) (i32.const 4)))
      (br_if $next (i32.lt_u (local.get $p) (local.get $end))))
    (i32.store (global.get $out) (i32.const 0))                    ;; status ok
    (f64.store offset=4 (global.get $out)
      (f64.div (local.get $sum) (f64.convert_i64_u (local.get $n)))) ;; the score
    (i32.store offset=12 (global.get $out) (i32.const 0))          ;; no sub-scores
    (call $pack (global.get $out) (i32.const 16)))
)
