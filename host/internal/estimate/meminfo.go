package estimate

import (
	"bufio"
	"bytes"
	"os"
	"strconv"
	"strings"
)

// Memory returns the machine's total memory in bytes, or 0 where it cannot be told
// (not Linux): then no memory warnings are made. Total, not available: the estimate
// is of a stage that starts later, when the page cache and other programs may have
// given their share back.
func Memory() uint64 {
	data, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0
	}
	return memTotal(data)
}

// memTotal reads the MemTotal line of /proc/meminfo ("MemTotal:  24683792 kB").
func memTotal(meminfo []byte) uint64 {
	sc := bufio.NewScanner(bytes.NewReader(meminfo))
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), "MemTotal:")
		if !ok {
			continue
		}
		kb, ok := strings.CutSuffix(strings.TrimSpace(rest), " kB")
		if !ok {
			return 0
		}
		n, err := strconv.ParseUint(strings.TrimSpace(kb), 10, 64)
		if err != nil {
			return 0
		}
		return n << 10
	}
	return 0
}
