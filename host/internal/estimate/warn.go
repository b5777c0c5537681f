package estimate

import (
	"fmt"
	"math"
	"time"
)

// TooLong is the estimated stage time past which Warnings speaks up: past a week on
// the reference machine's two cores, a run is either a mistake or a job for a bigger
// machine.
const TooLong = 7 * 24 * time.Hour

// Warnings says which stages would not fit in memory bytes of host memory (none
// are checked when memory is 0: unknown) and, on the CPU, which would take longer
// than TooLong. Each warning names the stage, the estimate and its largest term.
func Warnings(stages []Stage, memory uint64, cpu bool) []string {
	var out []string
	for _, s := range stages {
		if need := s.HostBytes(cpu); memory > 0 && need > float64(memory) {
			out = append(out, fmt.Sprintf("stage %s needs about %s of memory, more than this machine's %s; the largest part is %s (%s)",
				s.Name, Bytes(need), Bytes(float64(memory)), s.Largest(cpu).What, Bytes(s.Largest(cpu).Bytes)))
		}
		if cpu && s.Seconds > TooLong.Seconds() {
			out = append(out, fmt.Sprintf("stage %s would take about %s on two CPU cores: %s",
				s.Name, Duration(s.Seconds), s.Work))
		}
	}
	return out
}

// Bytes writes a size in binary units: "512 MiB", "23.5 GiB".
func Bytes(b float64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}
	i := 0
	for b >= 1024 && i < len(units)-1 {
		b /= 1024
		i++
	}
	if b >= 100 || i == 0 {
		return fmt.Sprintf("%.0f %s", b, units[i])
	}
	return fmt.Sprintf("%.1f %s", b, units[i])
}

// Duration writes a long time coarsely: "40 min", "9.5 h", "12 days", "250 years".
func Duration(seconds float64) string {
	switch {
	case seconds < 3600:
		return fmt.Sprintf("%.0f min", math.Ceil(seconds/60))
	case seconds < 48*3600:
		return fmt.Sprintf("%.1f h", seconds/3600)
	case seconds < 365*86400:
		return fmt.Sprintf("%.0f days", seconds/86400)
	}
	return fmt.Sprintf("%.0f years", seconds/(365*86400))
}
