// Command files is a hostile metric that reaches for files. In mode "passwd" it
// tries to read /etc/passwd (plainly, and through paths that climb out of the
// granted directory) and reports what it got as its error. In mode "data" it reads
// /data/hello.txt, lists /data, tries to write /data/written.txt and to append to
// /data/hello.txt, follows the symbolic links /data/inside.txt (to hello.txt) and
// /data/link.txt (to ../secret.txt, outside), tries to climb out of /data to the
// secret plainly and with a raw path_open, and reports each outcome as a
// sub-score's name, in that order.
package main

import (
	"os"
	"strings"
	"unsafe"

	"dnw/sdk/ext"
)

type options struct {
	Mode string `json:"mode"`
}

var opts = options{Mode: "passwd"}

func init() {
	ext.Metric(ext.Info{Name: "hostile-files", Version: "0", Description: "reads files it should not",
		OptionsSchema: []byte(`{"type":"object","properties":{"mode":{"enum":["passwd","data"]}},"additionalProperties":false}`),
		Options:       &opts}, reach)
}

func main() {}

func reach(pred, target ext.Images) ext.Score {
	if opts.Mode == "passwd" {
		var got []string
		for _, path := range []string{"/etc/passwd", "/data/../etc/passwd", "../../../../etc/passwd"} {
			got = append(got, read(path))
		}
		got = append(got, rawOpen("../../../../etc/passwd"))
		ext.Errorf("%s", strings.Join(got, "; "))
	}
	var s ext.Score
	add := func(msg string) { s.Sub = append(s.Sub, ext.SubScore{Name: msg}) }
	add(read("/data/hello.txt"))
	if entries, err := os.ReadDir("/data"); err != nil {
		add("list /data failed: " + err.Error())
	} else {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		add("list /data: " + strings.Join(names, ","))
	}
	err := os.WriteFile("/data/written.txt", []byte("the guest was here"), 0o644)
	if err != nil {
		add("write /data/written.txt failed: " + err.Error())
	} else {
		add("write /data/written.txt succeeded")
	}
	if f, err := os.OpenFile("/data/hello.txt", os.O_WRONLY|os.O_APPEND, 0); err != nil {
		add("append /data/hello.txt failed: " + err.Error())
	} else if _, err := f.Write([]byte(" and the guest")); err != nil {
		f.Close()
		add("append /data/hello.txt failed: " + err.Error())
	} else {
		f.Close()
		add("append /data/hello.txt succeeded")
	}
	add(read("/data/inside.txt"))
	add(read("/data/link.txt"))
	add(read("/data/../secret.txt"))
	add(rawOpen("../secret.txt"))
	return s
}

// read reads a file and says how that went, quoting what it read.
func read(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "read " + path + " failed: " + err.Error()
	}
	return "read " + path + " succeeded: " + string(b)
}

// pathOpen is WASI's path_open, called directly so that Go's own path cleaning
// cannot stand between the guest and the host.
//
//go:wasmimport wasi_snapshot_preview1 path_open
func pathOpen(fd int32, dirflags uint32, path unsafe.Pointer, pathLen uint32, oflags uint32,
	rightsBase, rightsInheriting uint64, fdflags uint32, newfd unsafe.Pointer) uint32

// rawOpen opens a relative path from each of the first descriptors that could be
// a preopened directory (3 is the first after stdio) and reads from it.
func rawOpen(path string) string {
	b := []byte(path)
	var errnos []string
	for dir := int32(3); dir < 8; dir++ {
		var fd int32
		errno := pathOpen(dir, 0, unsafe.Pointer(&b[0]), uint32(len(b)), 0, ^uint64(0), ^uint64(0), 0, unsafe.Pointer(&fd))
		if errno == 0 {
			f := os.NewFile(uintptr(fd), path)
			buf := make([]byte, 4096)
			n, _ := f.Read(buf)
			return "raw open " + path + " succeeded: " + string(buf[:n])
		}
		errnos = append(errnos, itoa(int(errno)))
	}
	return "raw open " + path + " failed: errnos " + strings.Join(errnos, ",")
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
