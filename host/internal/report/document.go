package report

import (
	"bytes"
	"fmt"
	"html"
	"io"
	"strings"
)

// A document is the report's content, written once and rendered both as Markdown and
// as HTML, so the two always say the same.
type document struct {
	title    string
	sections []section
}

type section struct {
	title  string
	blocks []block
}

// block is one of a paragraph, a table or an image.
type block struct {
	text  string // a paragraph; `code` spans only
	table *table
	image *image
}

type table struct {
	head []string
	rows [][]string
}

// image is a PNG the stage writes next to the report; HTML inlines its bytes.
type image struct {
	alt, file string
	png       []byte
}

func (s *section) para(format string, args ...any) {
	s.blocks = append(s.blocks, block{text: fmt.Sprintf(format, args...)})
}
func (s *section) add(t table) { s.blocks = append(s.blocks, block{table: &t}) }
func (s *section) img(i image) { s.blocks = append(s.blocks, block{image: &i}) }

// Markdown writes d as GitHub-flavoured Markdown.
func (d document) Markdown(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n", d.title)
	for _, s := range d.sections {
		fmt.Fprintf(&b, "\n## %s\n", s.title)
		for _, bl := range s.blocks {
			b.WriteString("\n")
			switch {
			case bl.table != nil:
				row := func(cells []string) { fmt.Fprintf(&b, "| %s |\n", strings.Join(cells, " | ")) }
				row(bl.table.head)
				b.WriteString("|" + strings.Repeat("---|", len(bl.table.head)) + "\n")
				for _, r := range bl.table.rows {
					row(r)
				}
			case bl.image != nil:
				fmt.Fprintf(&b, "![%s](%s)\n", bl.image.alt, bl.image.file)
			default:
				b.WriteString(bl.text + "\n")
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// htmlStyle is the report's only styling, inline: report.html loads nothing.
const htmlStyle = `body{font-family:system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}
th{background:#f3f3f3}code{background:#f3f3f3;padding:0 .2rem}img{max-width:100%;margin:.5rem 1rem .5rem 0}
.images{display:flex;flex-wrap:wrap}`

// HTML writes d as one self-contained page: images are data: URIs.
func (d document) HTML(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>%s</title><style>%s</style></head><body>\n<h1>%s</h1>\n",
		html.EscapeString(d.title), htmlStyle, html.EscapeString(d.title))
	for _, s := range d.sections {
		fmt.Fprintf(&b, "<h2>%s</h2>\n", html.EscapeString(s.title))
		inImages := false
		for _, bl := range s.blocks {
			if (bl.image != nil) != inImages {
				if inImages {
					b.WriteString("</div>\n")
				} else {
					b.WriteString("<div class=\"images\">\n")
				}
				inImages = !inImages
			}
			switch {
			case bl.table != nil:
				b.WriteString("<table><tr>")
				for _, h := range bl.table.head {
					fmt.Fprintf(&b, "<th>%s</th>", inline(h))
				}
				b.WriteString("</tr>\n")
				for _, r := range bl.table.rows {
					b.WriteString("<tr>")
					for _, c := range r {
						fmt.Fprintf(&b, "<td>%s</td>", inline(c))
					}
					b.WriteString("</tr>\n")
				}
				b.WriteString("</table>\n")
			case bl.image != nil:
				fmt.Fprintf(&b, "<img alt=\"%s\" src=\"data:image/png;base64,%s\">\n", html.EscapeString(bl.image.alt), base64PNG(bl.image.png))
			default:
				fmt.Fprintf(&b, "<p>%s</p>\n", inline(bl.text))
			}
		}
		if inImages {
			b.WriteString("</div>\n")
		}
	}
	b.WriteString("</body></html>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// inline escapes text for HTML and turns its `code` spans and **bold** into tags.
func inline(text string) string {
	s := html.EscapeString(text)
	s = pairs(s, "`", "<code>", "</code>")
	return pairs(s, "**", "<b>", "</b>")
}

// pairs replaces alternate occurrences of mark with open and close.
func pairs(s, mark, open, close string) string {
	parts := strings.Split(s, mark)
	if len(parts)%2 == 0 { // unbalanced: leave as it is
		return s
	}
	var b strings.Builder
	for i, p := range parts {
		if i > 0 {
			if i%2 == 1 {
				b.WriteString(open)
			} else {
				b.WriteString(close)
			}
		}
		b.WriteString(p)
	}
	return b.String()
}

// files renders d: report.md, report.html, and each image under its file name.
func (d document) files() (map[string][]byte, error) {
	files := map[string][]byte{}
	for _, s := range d.sections {
		for _, b := range s.blocks {
			if b.image != nil {
				files[b.image.file] = b.image.png
			}
		}
	}
	var md, page bytes.Buffer
	if err := d.Markdown(&md); err != nil {
		return nil, err
	}
	if err := d.HTML(&page); err != nil {
		return nil, err
	}
	files["report.md"], files["report.html"] = md.Bytes(), page.Bytes()
	return files, nil
}
