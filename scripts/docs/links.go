package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"unicode"
)

// A link is a Markdown link or image target and the line it is on.
type link struct {
	Line   int
	Target string
}

var linkRE = regexp.MustCompile(`!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)`)

// links returns the links of md outside code (code blocks and inline
// code), generated blocks included.
func links(md string) []link {
	var ls []link
	fenced := false
	for i, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			fenced = !fenced
			continue
		}
		if fenced || strings.HasPrefix(line, "    ") || strings.HasPrefix(line, "\t") {
			continue
		}
		line = inlineCode.ReplaceAllString(line, "``")
		for _, m := range linkRE.FindAllStringSubmatch(line, -1) {
			ls = append(ls, link{i + 1, m[1]})
		}
	}
	return ls
}

// checkLink checks the target of a link in the file from (relative to
// root): a file or directory there, and a heading for its #anchor.
// Links to other sites are not followed.
func checkLink(root, from, target string) error {
	if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
		return nil
	}
	path, anchor, _ := strings.Cut(target, "#")
	file := filepath.Join(root, from)
	if path != "" {
		file = filepath.Join(root, filepath.Dir(from), path)
		rel, err := filepath.Rel(root, file)
		if err != nil || strings.HasPrefix(rel, "..") {
			return fmt.Errorf("outside the repository")
		}
	}
	fi, err := os.Stat(file)
	if err != nil {
		return fmt.Errorf("no such file")
	}
	if anchor == "" {
		return nil
	}
	if fi.IsDir() || !strings.HasSuffix(file, ".md") {
		return fmt.Errorf("an anchor in a file that is not Markdown")
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "#") && slug(strings.TrimLeft(l, "#")) == anchor {
			return nil
		}
	}
	return fmt.Errorf("no heading #%s in %s", anchor, filepath.Base(file))
}

// slug is a heading's anchor as GitHub makes it: lower case, spaces to
// hyphens, punctuation other than hyphens and underscores dropped.
func slug(heading string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(heading)) {
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}
