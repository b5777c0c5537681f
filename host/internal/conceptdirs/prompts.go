package conceptdirs

import "strings"

// parsePrompts returns the lines of a prompt file, trimmed, without the blank ones
// and those starting with #. Lines end in \n, \r\n or a lone \r.
func parsePrompts(text string) []string {
	var prompts []string
	text = strings.TrimPrefix(text, "\ufeff") // a UTF-8 byte order mark
	text = strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\r", "\n")
	for line := range strings.Lines(text) {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "#") {
			prompts = append(prompts, line)
		}
	}
	return prompts
}
