package progress

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// barWidth is the number of cells in a bar: wide enough to move visibly, narrow enough
// that name, counts, rate and ETA fit on an 80-column terminal.
const barWidth = 20

// renderBar is width cells, filled in proportion to done/total (rounded), but only
// full when the work really is done, so a full bar never lies.
func renderBar(done, total int64, width int) string {
	filled := 0
	if total > 0 && done > 0 {
		filled = int(math.Round(float64(done) / float64(total) * float64(width)))
		if done < total && filled >= width {
			filled = width - 1
		}
		filled = min(filled, width)
	}
	return strings.Repeat("█", filled) + strings.Repeat("░", width-filled)
}

// percent is done/total in whole percent, rounded down and clamped to 0..100. Integer
// arithmetic where it cannot overflow, because 960/2000 in floating point is 47.99….
func percent(done, total int64) int64 {
	var p int64
	switch {
	case total <= 0 || done <= 0:
		return 0
	case done <= math.MaxInt64/100:
		p = done * 100 / total
	default:
		p = int64(float64(done) / float64(total) * 100)
	}
	return min(p, 100)
}

func formatInt(n int64) string { return strconv.FormatInt(n, 10) }

// formatRate is a rate with two or three significant digits, enough to compare runs
// without flicker in the last digit: "312 steps/s", "4.2 steps/s", "0.31 steps/s".
func formatRate(rate float64, unit string) string {
	var num string
	switch {
	case rate >= 10:
		num = strconv.FormatFloat(rate, 'f', 0, 64)
	case rate >= 1:
		num = strconv.FormatFloat(rate, 'f', 1, 64)
	case rate > 0:
		num = strconv.FormatFloat(rate, 'g', 2, 64)
	default:
		num = "0"
	}
	if unit == "" {
		return num + "/s"
	}
	return num + " " + unit + "/s"
}

// formatDuration is a duration for people, to the second and at most two fields:
// "3s", "4m05s", "1h02m". Past an hour the seconds are noise.
func formatDuration(d time.Duration) string {
	s := int64(d.Round(time.Second) / time.Second)
	if s < 0 {
		s = 0
	}
	switch {
	case s < 60:
		return fmt.Sprintf("%ds", s)
	case s < 3600:
		return fmt.Sprintf("%dm%02ds", s/60, s%60)
	default:
		return fmt.Sprintf("%dh%02dm", s/3600, s%3600/60)
	}
}
