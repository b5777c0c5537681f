// Command socket is a hostile metric that tries to reach the network: net.Dial to
// the address in its options, and the raw WASI socket calls (sock_accept,
// sock_send) on every descriptor that might be a socket. It reports what it got as
// its error.
package main

import (
	"net"
	"strings"
	"time"
	"unsafe"

	"dnw/sdk/ext"
)

type options struct {
	Addr string `json:"addr"`
}

var opts options

func init() {
	ext.Metric(ext.Info{Name: "hostile-socket", Version: "0", Description: "dials out",
		OptionsSchema: []byte(`{"type":"object","properties":{"addr":{"type":"string"}},"additionalProperties":false}`),
		Options:       &opts}, dial)
}

func main() {}

//go:wasmimport wasi_snapshot_preview1 sock_accept
func sockAccept(fd int32, flags uint32, newfd unsafe.Pointer) uint32

//go:wasmimport wasi_snapshot_preview1 sock_send
func sockSend(fd int32, iovs unsafe.Pointer, iovsLen uint32, flags uint32, sent unsafe.Pointer) uint32

func dial(pred, target ext.Images) ext.Score {
	var got []string
	conn, err := net.DialTimeout("tcp", opts.Addr, 100*time.Millisecond)
	if err != nil {
		got = append(got, "net.Dial failed: "+err.Error())
	} else {
		conn.Write([]byte("hello from the sandbox"))
		conn.Close()
		got = append(got, "net.Dial succeeded")
	}
	msg := []byte("hello from the sandbox")
	iov := [2]uint32{uint32(uintptr(unsafe.Pointer(&msg[0]))), uint32(len(msg))}
	var accepted, sent []string
	for fd := int32(0); fd < 8; fd++ {
		var newfd int32
		accepted = append(accepted, itoa(int(sockAccept(fd, 0, unsafe.Pointer(&newfd)))))
		var n uint32
		sent = append(sent, itoa(int(sockSend(fd, unsafe.Pointer(&iov), 1, 0, unsafe.Pointer(&n)))))
	}
	got = append(got, "sock_accept errnos "+strings.Join(accepted, ","), "sock_send errnos "+strings.Join(sent, ","))
	ext.Errorf("%s", strings.Join(got, "; "))
	return ext.Score{}
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}
