package kubesem

import (
	"bufio"
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestRuleIDsAreDefined checks that every rule id the repository cites is
// defined in its rules reference, docs/rules, so that a reader can go from
// a doc comment or a test to the rule and from there to upstream.
//
// Where it looks: every file under the module root (this one's directory)
// named *.go, *.md, *.txt, *.golden, *.yaml or *.yml, nested modules
// included, except .git and other dot directories, testdata/rapid and
// testdata/fuzz (generated data), files that are not UTF-8 text, and this
// file itself.
//
// What a citation is, on one line, with no letter, digit, '_', '.' or '-'
// right before it and no letter, digit or '_' right after it:
//
//   - A dash id: one to four capital letters, '-', then a number with
//     optional dotted parts or '*' (RS-9.1, API-3, KH-7, RU-*). Prefixes
//     that are not rule ids (DNS-1123, UTF-8, FNV-1a, RFC, SHA, ISO, …) are
//     skipped: see notRuleIDs.
//   - A dotted id: P, L or T and a number with optional dotted parts
//     (P13.6, L10.1.3, T5). "P6 step 7" cites P6.7, and "P6 steps 5–9"
//     cites P6.5 … P6.9.
//   - A section reference: '§' and a number with optional dotted parts
//     (§17, §4.3); in "§4.3–4.4" and "§2–3" both ends are cited. A reference
//     right after the word "seed" names a section of the tutorial, not of
//     the rules, and is skipped.
//
// What a definition is: in docs/rules/*.md other than README.md, a line
// that starts (after blanks) with "- **" or "* **" defines the id that
// follows up to the first blank or '*' ("- **P13.6 Kill and restart.**"
// defines P13.6); a heading line "#… §N Title" defines section §N of that
// file. An id may be defined once per file, and in one file only.
//
// When a citation resolves:
//
//   - An id resolves when it is defined, or when it names a section whose
//     rules are defined (P13 resolves when some P13.n is defined, RS-6 when
//     some RS-6.n is); "X-*" resolves when some X-n is defined.
//   - A § reference resolves when one of the rules files the citing
//     package follows has the heading §N or, for §N.M, the heading §N. The
//     packages a file is followed by are listed, as `path` names, in the
//     last column of the table in docs/rules/README.md; a file under a
//     listed path follows that row's file; a file under no listed path
//     follows every rules file; a rules file follows itself.
//
// The test also fails on references to material outside the repository:
// the private spec folder and design notes (see privateRefs).
func TestRuleIDsAreDefined(t *testing.T) {
	rulesDir := filepath.Join("docs", "rules")
	ref, err := readRulesReference(rulesDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ref.problems {
		t.Error(p)
	}

	var problems []string
	err = filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		slash := filepath.ToSlash(path)
		if d.IsDir() {
			name := d.Name()
			if path != "." && (strings.HasPrefix(name, ".") || name == "vendor" || name == "node_modules") {
				return filepath.SkipDir
			}
			if strings.HasSuffix(slash, "testdata/rapid") || strings.HasSuffix(slash, "testdata/fuzz") {
				return filepath.SkipDir
			}
			return nil
		}
		if slash == "rulesref_test.go" || !citingExt[filepath.Ext(path)] {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if !utf8.Valid(data) || bytes.IndexByte(data, 0) >= 0 {
			return nil
		}
		problems = append(problems, ref.check(slash, string(data))...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Error(p)
	}
}

// citingExt are the kinds of file whose text is searched for citations.
var citingExt = map[string]bool{".go": true, ".md": true, ".txt": true, ".golden": true, ".yaml": true, ".yml": true}

// notRuleIDs are capital prefixes of "X-1"-shaped words that are not rule
// ids.
var notRuleIDs = map[string]bool{
	"DNS": true, "UTF": true, "FNV": true, "RFC": true, "SHA": true, "ISO": true,
	"HTTP": true, "TLS": true, "CVE": true, "IPV": true, "MD": true, "AES": true,
}

// privateRefs are strings that point at material a reader of the
// repository does not have.
var privateRefs = []string{
	"../" + "shared",
	"shared" + "/spec",
	"DESIGN" + ".md",
	"-vectors" + ".md",
}

var (
	dashIDRe    = regexp.MustCompile(`[A-Z]{1,4}-(?:[0-9]+(?:\.[0-9]+)*|\*)`)
	dottedIDRe  = regexp.MustCompile(`[PLT][0-9]+(?:\.[0-9]+)*`)
	stepsRe     = regexp.MustCompile(`^\s+steps?\s+([0-9]+)(?:\s*[–-]\s*([0-9]+))?`)
	sectionRe   = regexp.MustCompile(`§\s?([0-9]+(?:\.[0-9]+)*)(?:\s*[–-]\s*§?([0-9]+(?:\.[0-9]+)*))?`)
	seedRe      = regexp.MustCompile(`seed\s*(?:(?:#|//)\s*)?$`)
	seedListRe  = regexp.MustCompile(`seed\s*(?:(?:#|//)\s*)?§\s?[0-9.]+(?:\s*,\s*(?:(?:#|//)\s*)?§\s?[0-9.]+)*\s*,\s*(?:(?:#|//)\s*)?$`)
	bulletDefRe = regexp.MustCompile(`^\s*[-*]\s+\*\*([^\s*]+)`)
	headingRe   = regexp.MustCompile(`^#{1,6}\s+§([0-9]+(?:\.[0-9]+)*)\b`)
	rowRe       = regexp.MustCompile(`^\|\s*\[([^\]]+\.md)\]`)
	pkgRe       = regexp.MustCompile("`([^`]+)`")
)

// rulesReference is what docs/rules defines.
type rulesReference struct {
	dir      string
	ids      map[string]string          // id → the file defining it
	sections map[string]map[string]bool // file → its § sections
	follows  map[string][]string        // package path → rules files
	problems []string
}

func readRulesReference(dir string) (*rulesReference, error) {
	ref := &rulesReference{dir: filepath.ToSlash(dir), ids: map[string]string{}, sections: map[string]map[string]bool{}, follows: map[string][]string{}}
	files, err := filepath.Glob(filepath.Join(dir, "*.md"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no rules files in %s", dir)
	}
	var rulesFiles []string
	for _, f := range files {
		name := filepath.Base(f)
		if name == "README.md" {
			continue
		}
		rulesFiles = append(rulesFiles, name)
		ref.sections[name] = map[string]bool{}
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		inFile := map[string]bool{}
		for i, line := range strings.Split(string(data), "\n") {
			if m := headingRe.FindStringSubmatch(line); m != nil {
				ref.sections[name][m[1]] = true
			}
			m := bulletDefRe.FindStringSubmatch(line)
			if m == nil {
				continue
			}
			id := strings.TrimRight(m[1], ".:,")
			at := fmt.Sprintf("%s/%s:%d", ref.dir, name, i+1)
			if inFile[id] {
				ref.problems = append(ref.problems, fmt.Sprintf("%s: %s is defined twice in %s", at, id, name))
				continue
			}
			inFile[id] = true
			if other, ok := ref.ids[id]; ok {
				ref.problems = append(ref.problems, fmt.Sprintf("%s: %s is defined in %s too; give it an id of its own", at, id, other))
				continue
			}
			ref.ids[id] = name
		}
	}

	// The README's table: which packages follow which file.
	readme, err := os.ReadFile(filepath.Join(dir, "README.md"))
	if err != nil {
		return nil, err
	}
	listed := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(readme))
	for sc.Scan() {
		line := sc.Text()
		m := rowRe.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		file := m[1]
		if _, ok := ref.sections[file]; !ok {
			ref.problems = append(ref.problems, fmt.Sprintf("%s/README.md: lists %s, which is not a rules file there", ref.dir, file))
			continue
		}
		listed[file] = true
		cells := strings.Split(strings.Trim(line, " |"), "|")
		for _, p := range pkgRe.FindAllStringSubmatch(cells[len(cells)-1], -1) {
			pkg := strings.Trim(p[1], "/")
			ref.follows[pkg] = append(ref.follows[pkg], file)
		}
	}
	for _, f := range rulesFiles {
		if !listed[f] {
			ref.problems = append(ref.problems, fmt.Sprintf("%s/README.md: %s has no row in the table", ref.dir, f))
		}
	}
	return ref, nil
}

// check returns the problems of one file's text, path being slash-separated
// and relative to the module root.
func (ref *rulesReference) check(path, text string) []string {
	var problems []string
	scope := ref.scope(path)
	for i, line := range strings.Split(text, "\n") {
		at := fmt.Sprintf("%s:%d", path, i+1)
		for _, s := range privateRefs {
			if strings.Contains(line, s) {
				problems = append(problems, fmt.Sprintf("%s: refers to %q, which is not part of the repository", at, s))
			}
		}
		for _, id := range citedIDs(line) {
			if !ref.defined(id) {
				problems = append(problems, fmt.Sprintf("%s: %s is not defined in %s", at, id, ref.dir))
			}
		}
	}
	// § references may follow "seed" on the line before, so they are
	// found in the whole text.
	for _, m := range sectionRe.FindAllStringSubmatchIndex(text, -1) {
		before := text[:m[0]]
		if seedRe.MatchString(before) || seedListRe.MatchString(before) {
			continue
		}
		line := strings.Count(before, "\n") + 1
		for _, g := range [][2]int{{m[2], m[3]}, {m[4], m[5]}} {
			if g[0] < 0 {
				continue
			}
			sec := text[g[0]:g[1]]
			if !ref.sectionDefined(scope, sec) {
				problems = append(problems, fmt.Sprintf("%s:%d: §%s is not a section of %s", path, line, sec, strings.Join(scope, ", ")))
			}
		}
	}
	return problems
}

// citedIDs returns the rule ids cited on one line.
func citedIDs(line string) []string {
	var ids []string
	bounded := func(start, end int) bool {
		if start > 0 {
			c := line[start-1]
			if isIdentByte(c) || c == '.' || c == '-' {
				return false
			}
		}
		return end >= len(line) || !isIdentByte(line[end])
	}
	for _, m := range dashIDRe.FindAllStringIndex(line, -1) {
		id := line[m[0]:m[1]]
		if !bounded(m[0], m[1]) || notRuleIDs[id[:strings.IndexByte(id, '-')]] {
			continue
		}
		ids = append(ids, id)
	}
	for _, m := range dottedIDRe.FindAllStringIndex(line, -1) {
		if !bounded(m[0], m[1]) {
			continue
		}
		id := line[m[0]:m[1]]
		if s := stepsRe.FindStringSubmatch(line[m[1]:]); s != nil && id[0] == 'P' && !strings.Contains(id, ".") {
			from, _ := strconv.Atoi(s[1])
			to := from
			if s[2] != "" {
				to, _ = strconv.Atoi(s[2])
			}
			for n := from; n <= to && n-from < 100; n++ {
				ids = append(ids, fmt.Sprintf("%s.%d", id, n))
			}
			continue
		}
		ids = append(ids, id)
	}
	return ids
}

func isIdentByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// defined reports whether a cited id resolves.
func (ref *rulesReference) defined(id string) bool {
	if prefix, ok := strings.CutSuffix(id, "*"); ok {
		for d := range ref.ids {
			if strings.HasPrefix(d, prefix) {
				return true
			}
		}
		return false
	}
	if _, ok := ref.ids[id]; ok {
		return true
	}
	for d := range ref.ids {
		if strings.HasPrefix(d, id+".") {
			return true
		}
	}
	return false
}

// scope returns the rules files a file's § references are read in.
func (ref *rulesReference) scope(path string) []string {
	if dir, name := filepath.ToSlash(filepath.Dir(path)), filepath.Base(path); dir == ref.dir && name != "README.md" {
		return []string{name}
	}
	var files []string
	for pkg, fs := range ref.follows {
		if strings.HasPrefix(path, pkg+"/") {
			files = append(files, fs...)
		}
	}
	if len(files) == 0 {
		for f := range ref.sections {
			files = append(files, f)
		}
	}
	slices.Sort(files)
	return slices.Compact(files)
}

// sectionDefined reports whether §sec is a section of one of files.
func (ref *rulesReference) sectionDefined(files []string, sec string) bool {
	top, _, _ := strings.Cut(sec, ".")
	for _, f := range files {
		if ref.sections[f][sec] || ref.sections[f][top] {
			return true
		}
	}
	return false
}
