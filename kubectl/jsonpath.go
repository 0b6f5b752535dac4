package kubectl

// JSONPath templates, for kubectl get -o jsonpath=..., -o
// jsonpath-as-json=... and -o jsonpath-file=FILE.
//
// The language is the one of k8s.io/client-go/util/jsonpath v0.37.2,
// reimplemented here (the core module does not depend on client-go) and
// compared with it by conformance's TestJSONPathMatchesClientGo. What a
// template may hold:
//
//   - text outside braces, printed as it is;
//   - in braces: .field (a backslash escapes the next character, so
//     .metadata.labels.app\.kubernetes\.io/name is one key), .* (every
//     value), ['key'] (single quotes only: the key is read again as
//     .key, so a dot in it still separates fields; ["key"] is an invalid
//     array index), [i], [-i], [a:b], [a:b:step], [*], unions [0,2] and
//     ['a','b'], ..field (recursive descent), filters [?(@.x OP y)] with
//     OP one of == != < > <= >= and [?(@.x)] (the element has x),
//     string literals "..." and '...' (Go escapes: "\n", "\t"), numbers,
//     true and false, @ and $ (the current object), range ... end;
//   - values print as client-go prints them: strings raw, numbers and
//     booleans with fmt, maps and lists as compact JSON, null as "null",
//     the several results of one action separated by a space; with
//     jsonpath-as-json each action prints a JSON array of its results,
//     indented by four spaces;
//   - a missing key prints nothing (kubectl sets AllowMissingKeys).
//
// Client-go's quirks are kept: a range whose body has no "end" runs that
// body once more over the whole object afterwards; a range over nothing
// still runs its body once, for errors only, with no current object; a
// null item of a range, as the current object, prints "<no value>"; an
// empty slice such as [0:0] stops a multi-valued selection at once; in
// an existence filter an error in the path counts as a match; a
// wildcard over a string yields its bytes as numbers; {.a==1} is the
// field "a==1". MODEL: client-go visits a map's values in Go's random
// map order for .* and ..; kubesem visits them in key order (one of the
// orders client-go may print). Where client-go panics, when there is no
// current object (see above) and a bare index or range is applied to
// it, or jsonpath-as-json prints it, kubesem returns an error saying so
// instead of crashing.

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// JSONPath runs template over doc as client-go's
// jsonpath.New("").AllowMissingKeys(true), then Parse(template) and
// Execute, would: it returns what Execute writes, or the error of Parse
// or Execute with client-go's text. doc is a document as encoding/json
// decodes it into an any (maps map[string]any, lists []any, numbers
// float64 or int64, strings, booleans, nil).
func JSONPath(template string, doc any) (string, error) {
	nodes, err := parseJSONPath(template)
	if err != nil {
		return "", err
	}
	return runJSONPath(nodes, doc, true, false)
}

// jpKind tells what a jpNode is.
type jpKind uint8

const (
	jpText      jpKind = iota // literal text: str
	jpList                    // a sequence applied left to right: sub
	jpField                   // a map key: str
	jpIdent                   // range, end, or an unknown word: str
	jpSlice                   // [start:end:step]: bounds
	jpFilter                  // [?(lhs str rhs)], str "exists" without an operator
	jpInt                     // num
	jpFloat                   // flt
	jpBool                    // flag
	jpWildcard                // .*
	jpRecursive               // ..
	jpUnion                   // [x,y]: sub are lists
)

// jpBound is one of a slice's three numbers.
type jpBound struct {
	n       int
	set     bool // written in the template, or derived
	derived bool // a lone index's end: its start plus one
}

type jpNode struct {
	kind     jpKind
	str      string
	num      int
	flt      float64
	flag     bool
	sub      []*jpNode
	bounds   [3]jpBound
	lhs, rhs *jpNode
}

// jpAbsent is "no value at all" (reflect's zero Value in client-go):
// what a range's null item becomes as the current object. It prints as
// <no value>, unlike null.
type jpAbsent struct{}

// jpCrash is where client-go panics.
type jpCrash struct{ msg string }

func (e *jpCrash) Error() string {
	return "client-go's jsonpath panics here, which kubesem does not model: " + e.msg
}

var (
	errJPZeroType      = &jpCrash{"reflect: call of reflect.Value.Type on zero Value"}
	errJPZeroInterface = &jpCrash{"reflect: call of reflect.Value.Interface on zero Value"}
)

// ---- parsing ----

type jpParser struct {
	src  string
	pos  int
	root []*jpNode
}

// parseJSONPath reads a template into its top-level nodes: text and
// one list per action.
func parseJSONPath(src string) ([]*jpNode, error) {
	p := &jpParser{src: src}
	if err := p.template(); err != nil {
		return nil, err
	}
	return p.root, nil
}

// jpSubparse reads text as the inside of one action (client-go reads
// bracketed keys, union members and filter operands this way) and
// returns that action's list.
func jpSubparse(text string) (*jpNode, error) {
	nodes, err := parseJSONPath("{" + text + "}")
	if err != nil {
		return nil, err
	}
	return nodes[0], nil
}

func (p *jpParser) template() error {
	for p.pos < len(p.src) {
		i := strings.IndexByte(p.src[p.pos:], '{')
		if i < 0 {
			break
		}
		if i > 0 {
			p.root = append(p.root, &jpNode{kind: jpText, str: p.src[p.pos : p.pos+i]})
		}
		p.pos += i + 1
		act := &jpNode{kind: jpList}
		p.root = append(p.root, act)
		if err := p.action(act); err != nil {
			return err
		}
	}
	if p.pos < len(p.src) {
		p.root = append(p.root, &jpNode{kind: jpText, str: p.src[p.pos:]})
		p.pos = len(p.src)
	}
	return nil
}

// action reads the inside of braces up to the closing one.
func (p *jpParser) action(cur *jpNode) error {
	for {
		rest := p.src[p.pos:]
		var err error
		switch {
		case strings.HasPrefix(rest, "}"):
			p.pos++
			return nil
		case strings.HasPrefix(rest, "[?("):
			err = p.filter(cur)
		case strings.HasPrefix(rest, ".."):
			err = p.recursive(cur)
		case rest == "":
			return errors.New("unclosed action")
		default:
			r, w := utf8.DecodeRuneInString(rest)
			switch {
			case r == '\r' || r == '\n':
				return errors.New("unclosed action")
			case r == ' ' || r == '@' || r == '$':
				p.pos += w
			case r == '[':
				p.pos += w
				err = p.brackets(cur)
			case r == '"' || r == '\'':
				err = p.quoted(cur, r)
			case r == '.':
				p.pos += w
				p.field(cur)
			case r == '+' || r == '-' || unicode.IsDigit(r):
				err = p.number(cur)
			case jpWordRune(r):
				p.word(cur)
			default:
				return fmt.Errorf("unrecognized character in action: %#U", r)
			}
		}
		if err != nil {
			return err
		}
	}
}

func jpWordRune(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }

// jpStops reports whether r ends a field name or a word.
func jpStops(r rune) bool {
	switch r {
	case ' ', '\t', '\r', '\n', '.', ',', '[', ']', '$', '@', '{', '}':
		return true
	}
	return false
}

// field reads a field name after its dot.
func (p *jpParser) field(cur *jpNode) {
	k := p.pos
	for k < len(p.src) {
		r, w := utf8.DecodeRuneInString(p.src[k:])
		if r == '\\' {
			k += w
			if k < len(p.src) {
				_, w = utf8.DecodeRuneInString(p.src[k:])
				k += w
			}
			continue
		}
		if jpStops(r) {
			break
		}
		k += w
	}
	name := p.src[p.pos:k]
	p.pos = k
	if name == "*" {
		cur.sub = append(cur.sub, &jpNode{kind: jpWildcard})
		return
	}
	cur.sub = append(cur.sub, &jpNode{kind: jpField, str: strings.ReplaceAll(name, `\`, "")})
}

// word reads range, end, true, false or any other identifier.
func (p *jpParser) word(cur *jpNode) {
	k := p.pos
	for k < len(p.src) {
		r, w := utf8.DecodeRuneInString(p.src[k:])
		if jpStops(r) {
			break
		}
		k += w
	}
	w := p.src[p.pos:k]
	p.pos = k
	if w == "true" || w == "false" {
		cur.sub = append(cur.sub, &jpNode{kind: jpBool, flag: w == "true"})
		return
	}
	cur.sub = append(cur.sub, &jpNode{kind: jpIdent, str: w})
}

func (p *jpParser) number(cur *jpNode) error {
	k := p.pos
	if c := p.src[k]; c == '+' || c == '-' {
		k++
	}
	for k < len(p.src) {
		r, w := utf8.DecodeRuneInString(p.src[k:])
		if r != '.' && !unicode.IsDigit(r) {
			break
		}
		k += w
	}
	lit := p.src[p.pos:k]
	p.pos = k
	if n, err := strconv.Atoi(lit); err == nil {
		cur.sub = append(cur.sub, &jpNode{kind: jpInt, num: n})
		return nil
	}
	if f, err := strconv.ParseFloat(lit, 64); err == nil {
		cur.sub = append(cur.sub, &jpNode{kind: jpFloat, flt: f})
		return nil
	}
	return fmt.Errorf("cannot parse number %s", lit)
}

// quoted reads a string literal; p.pos is at its opening quote.
func (p *jpParser) quoted(cur *jpNode, q rune) error {
	k := p.pos + 1
	for {
		if k >= len(p.src) {
			return errors.New("unterminated quoted string")
		}
		r, w := utf8.DecodeRuneInString(p.src[k:])
		k += w
		if r == '\n' {
			return errors.New("unterminated quoted string")
		}
		// A quote right after a backslash does not close, even when the
		// backslash is itself escaped.
		if r == q && p.src[k-2] != '\\' {
			break
		}
	}
	lit := p.src[p.pos:k]
	p.pos = k
	s, err := jpUnquote(lit)
	if err != nil {
		return fmt.Errorf("unquote string %s error %v", lit, err)
	}
	cur.sub = append(cur.sub, &jpNode{kind: jpText, str: s})
	return nil
}

// jpUnquote takes Go's escapes in a "..." or '...' literal of any
// length.
func jpUnquote(lit string) (string, error) {
	if len(lit) < 2 || lit[0] != lit[len(lit)-1] || (lit[0] != '"' && lit[0] != '\'') {
		return "", strconv.ErrSyntax
	}
	q, s := lit[0], lit[1:len(lit)-1]
	if strings.IndexByte(s, '\\') < 0 && strings.IndexByte(s, q) < 0 {
		return s, nil
	}
	var b strings.Builder
	for s != "" {
		r, multibyte, tail, err := strconv.UnquoteChar(s, q)
		if err != nil {
			return "", err
		}
		s = tail
		if multibyte {
			b.WriteRune(r)
		} else {
			b.WriteByte(byte(r))
		}
	}
	return b.String(), nil
}

// recursive reads "..", and the field name right after it if any.
func (p *jpParser) recursive(cur *jpNode) error {
	if n := len(cur.sub); n > 0 && cur.sub[n-1].kind == jpRecursive {
		return errors.New("invalid multiple recursive descent")
	}
	p.pos += 2
	cur.sub = append(cur.sub, &jpNode{kind: jpRecursive})
	if p.pos < len(p.src) {
		if r, _ := utf8.DecodeRuneInString(p.src[p.pos:]); jpWordRune(r) {
			p.field(cur)
		}
	}
	return nil
}

// brackets reads [...] after its opening bracket: a union, a quoted key
// or a slice.
func (p *jpParser) brackets(cur *jpNode) error {
	end := -1
	for k := p.pos; k < len(p.src); k++ {
		if p.src[k] == '\n' {
			break
		}
		if p.src[k] == ']' {
			end = k
			break
		}
	}
	if end < 0 {
		return errors.New("unterminated array")
	}
	body := p.src[p.pos:end]
	p.pos = end + 1
	if body == "*" {
		body = ":"
	}
	if parts := strings.Split(body, ","); len(parts) > 1 {
		u := &jpNode{kind: jpUnion}
		for _, part := range parts {
			l, err := jpSubparse("[" + strings.Trim(part, " ") + "]")
			if err != nil {
				return err
			}
			u.sub = append(u.sub, l)
		}
		cur.sub = append(cur.sub, u)
		return nil
	}
	if n := len(body); n >= 2 && body[0] == '\'' && body[n-1] == '\'' && strings.IndexByte(body[1:n-1], '\'') < 0 {
		l, err := jpSubparse("." + body[1:n-1])
		if err != nil {
			return err
		}
		cur.sub = append(cur.sub, l.sub...)
		return nil
	}
	return jpParseSlice(cur, body)
}

// jpSliceNumber reports whether s is an optional minus and ASCII digits.
func jpSliceNumber(s string) bool {
	s = strings.TrimPrefix(s, "-")
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func jpParseSlice(cur *jpNode, body string) error {
	parts := strings.Split(body, ":")
	if len(parts) > 3 {
		return fmt.Errorf("invalid array index %s", body)
	}
	for _, s := range parts {
		if !jpSliceNumber(s) {
			return fmt.Errorf("invalid array index %s", body)
		}
	}
	var b [3]jpBound
	for i := range 3 {
		switch {
		case i < len(parts) && parts[i] != "":
			n, err := strconv.Atoi(parts[i])
			if err != nil {
				return fmt.Errorf("array index %s is not a number", parts[i])
			}
			b[i] = jpBound{n: n, set: true}
		case i == 1 && len(parts) == 1:
			// A lone index selects one element: its end is start+1.
			b[1] = jpBound{n: b[0].n + 1, set: true, derived: true}
		}
	}
	cur.sub = append(cur.sub, &jpNode{kind: jpSlice, bounds: b})
	return nil
}

// filter reads [?(...)]; p.pos is at its "[?(".
func (p *jpParser) filter(cur *jpNode) error {
	p.pos += 3
	from := p.pos
	k := p.pos
	opened, closed := false, false
	var pair rune
	for {
		if k >= len(p.src) {
			return errors.New("unterminated filter")
		}
		r, w := utf8.DecodeRuneInString(p.src[k:])
		k += w
		switch {
		case r == '\n':
			return errors.New("unterminated filter")
		case r == '"' || r == '\'':
			// Only the first quote's kind counts; once closed, quotes
			// of that kind do not open again.
			if !opened {
				opened, pair = true, r
			} else if r == pair && p.src[k-2] != '\\' {
				closed = true
			}
			continue
		case r == ')' && opened == closed:
		default:
			continue
		}
		break
	}
	if k >= len(p.src) || p.src[k] != ']' {
		return errors.New("unclosed array expect ]")
	}
	body := p.src[from : k-1]
	p.pos = k + 1
	lhs, op, rhs, ok := jpComparison(body)
	if !ok {
		l, err := jpSubparse(body)
		if err != nil {
			return err
		}
		cur.sub = append(cur.sub, &jpNode{kind: jpFilter, str: "exists", lhs: l, rhs: &jpNode{kind: jpList}})
		return nil
	}
	l, err := jpSubparse(lhs)
	if err != nil {
		return err
	}
	r, err := jpSubparse(rhs)
	if err != nil {
		return err
	}
	cur.sub = append(cur.sub, &jpNode{kind: jpFilter, str: op, lhs: l, rhs: r})
	return nil
}

func jpOpByte(c byte) bool { return c == '!' || c == '<' || c == '>' || c == '=' }

// jpComparison splits a filter at its operator: the first run of
// !<>= characters, not at the start, leaving something after it (the
// run gives up its last character for that).
func jpComparison(s string) (lhs, op, rhs string, ok bool) {
	i := strings.IndexAny(s, "!<>=")
	if i <= 0 {
		return "", "", "", false
	}
	j := i
	for j < len(s) && jpOpByte(s[j]) {
		j++
	}
	if j == len(s) {
		j--
	}
	if j == i {
		return "", "", "", false
	}
	return s[:i], s[i:j], s[j:], true
}

// ---- running ----

type jpRun struct {
	root         []*jpNode
	allowMissing bool
	// The range bookkeeping, as client-go keeps it: ranges begun but not
	// yet entered, ranges being run, ends met, and where the last end
	// met sits in root.
	begun, inside, ended int
	lastEnd              int
}

// runJSONPath executes a parsed template over doc and prints the
// results.
func runJSONPath(nodes []*jpNode, doc any, allowMissing, asJSON bool) (string, error) {
	r := &jpRun{root: nodes, allowMissing: allowMissing, lastEnd: -1}
	sets, err := r.results(doc, 0)
	if err != nil {
		return "", err
	}
	return jpPrint(sets, asJSON)
}

// results runs root[from:] with data as the current object: each action
// gives one set of values, a range runs what follows it once per value.
func (r *jpRun) results(data any, from int) ([][]any, error) {
	cur := []any{data}
	if data == nil {
		cur[0] = jpAbsent{}
	}
	var sets [][]any
	for i := from; i < len(r.root); i++ {
		vals, err := r.walk(cur, r.root[i])
		if err != nil {
			return nil, err
		}
		if r.ended > 0 && r.ended <= r.inside {
			r.ended--
			r.lastEnd = i
			break
		}
		if r.begun == 0 {
			sets = append(sets, vals)
			continue
		}
		r.begun--
		r.inside++
		if len(vals) == 0 {
			// The body is still read, for its end and its errors.
			if _, err := r.results(nil, i+1); err != nil {
				return nil, err
			}
		}
		for _, v := range vals {
			if _, ok := v.(jpAbsent); ok {
				return nil, errJPZeroInterface
			}
			more, err := r.results(v, i+1)
			if err != nil {
				return nil, err
			}
			sets = append(sets, more...)
		}
		r.inside--
		if r.lastEnd > i {
			i = r.lastEnd
		}
	}
	return sets, nil
}

// walk applies one node to the current values. On an error it also
// returns the values client-go returns with it, which an existence
// filter looks at.
func (r *jpRun) walk(in []any, n *jpNode) ([]any, error) {
	switch n.kind {
	case jpList:
		cur := in
		for _, s := range n.sub {
			var err error
			if cur, err = r.walk(cur, s); err != nil {
				return cur, err
			}
		}
		return cur, nil
	case jpText:
		return []any{n.str}, nil
	case jpInt, jpFloat, jpBool:
		var v any = n.num
		if n.kind == jpFloat {
			v = n.flt
		} else if n.kind == jpBool {
			v = n.flag
		}
		out := make([]any, len(in))
		for i := range out {
			out[i] = v
		}
		return out, nil
	case jpField:
		return r.field(in, n.str)
	case jpSlice:
		return jpSliceOf(in, n.bounds)
	case jpFilter:
		return r.filter(in, n)
	case jpWildcard:
		var out []any
		for _, v := range in {
			out = append(out, jpChildren(v)...)
		}
		return out, nil
	case jpRecursive:
		return jpDescend(in), nil
	case jpUnion:
		var out []any
		for _, l := range n.sub {
			vs, err := r.walk(in, l)
			if err != nil {
				return in, err
			}
			out = append(out, vs...)
		}
		return out, nil
	case jpIdent:
		switch n.str {
		case "range":
			r.begun++
			return in, nil
		case "end":
			if r.inside == 0 {
				return nil, errors.New("not in range, nothing to end")
			}
			r.ended++
			return nil, nil
		}
		return in, fmt.Errorf("unrecognized identifier %v", n.str)
	}
	return in, fmt.Errorf("unexpected Node %v", n.kind)
}

func (r *jpRun) field(in []any, name string) ([]any, error) {
	var out []any
	if len(in) == 0 {
		return out, nil
	}
	for _, v := range in {
		if m, ok := v.(map[string]any); ok {
			if x, ok := m[name]; ok {
				out = append(out, x)
			}
		}
	}
	if len(out) == 0 && !r.allowMissing {
		return out, fmt.Errorf("%s is not found", name)
	}
	return out, nil
}

func jpSliceOf(in []any, bounds [3]jpBound) ([]any, error) {
	var out []any
	for _, v := range in {
		if v == nil {
			continue
		}
		if _, ok := v.(jpAbsent); ok {
			return in, errJPZeroType
		}
		list, ok := v.([]any)
		if !ok {
			return in, fmt.Errorf("%T is not array or slice", v)
		}
		n := len(list)
		start, end, step := bounds[0], bounds[1], bounds[2]
		if start.n < 0 {
			start.n += n
		}
		if !end.set {
			end.n = n
		}
		if end.n < 0 || end.n == 0 && end.derived {
			end.n += n
		}
		if start.n == end.n {
			// Nothing asked: client-go stops here, skipping the values
			// left.
			return out, nil
		}
		switch {
		case start.n < 0 || start.n >= n:
			return in, fmt.Errorf("array index out of bounds: index %d, length %d", start.n, n)
		case end.n < 0 || end.n > n:
			return in, fmt.Errorf("array index out of bounds: index %d, length %d", end.n-1, n)
		case start.n > end.n:
			return in, fmt.Errorf("starting index %d is greater than ending index %d", start.n, end.n)
		}
		stride := 1
		if step.set {
			if step.n <= 0 {
				return in, errors.New("step must be > 0")
			}
			stride = step.n
		}
		for i := start.n; i < end.n; i += stride {
			out = append(out, list[i])
			if stride > end.n-i {
				break
			}
		}
	}
	return out, nil
}

// jpChildren are what .* yields of a value: a map's values (in key
// order), a list's items, a string's bytes.
func jpChildren(v any) []any {
	switch v := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		out := make([]any, len(keys))
		for i, k := range keys {
			out[i] = v[k]
		}
		return out
	case []any:
		return append([]any(nil), v...)
	case string:
		out := make([]any, len(v))
		for i := 0; i < len(v); i++ {
			out[i] = v[i]
		}
		return out
	}
	return nil
}

// jpDescend is "..": every value that has children, each followed by
// its descendants.
func jpDescend(in []any) []any {
	var out []any
	for _, v := range in {
		if kids := jpChildren(v); len(kids) > 0 {
			out = append(out, v)
			out = append(out, jpDescend(kids)...)
		}
	}
	return out
}

func (r *jpRun) filter(in []any, n *jpNode) ([]any, error) {
	var out []any
	for _, v := range in {
		list, ok := v.([]any)
		if !ok {
			return in, fmt.Errorf("%s is not array or slice and cannot be filtered", jpDescribe(v))
		}
		for _, item := range list {
			one := []any{item}
			lefts, err := r.walk(one, n.lhs)
			if n.str == "exists" {
				var crash *jpCrash
				if errors.As(err, &crash) {
					return in, err
				}
				// What the path returned counts, error or not.
				if len(lefts) > 0 {
					out = append(out, item)
				}
				continue
			}
			if err != nil {
				return in, err
			}
			if len(lefts) == 0 {
				continue
			}
			if len(lefts) > 1 {
				return in, errors.New("can only compare one element at a time")
			}
			rights, err := r.walk(one, n.rhs)
			if err != nil {
				return in, err
			}
			if len(rights) == 0 {
				continue
			}
			if len(rights) > 1 {
				return in, errors.New("can only compare one element at a time")
			}
			pass, err := jpCompare(n.str, lefts[0], rights[0])
			if err != nil {
				return out, err
			}
			if pass {
				out = append(out, item)
			}
		}
	}
	return out, nil
}

// jpDescribe prints a value as fmt's %v prints the reflect.Value
// client-go holds.
func jpDescribe(v any) string {
	if _, ok := v.(jpAbsent); ok {
		return "<invalid reflect.Value>"
	}
	return fmt.Sprint(v)
}

// ---- comparing, as text/template's eq, lt and friends ----

type jpCmpKind uint8

const (
	jpBadKind jpCmpKind = iota
	jpBoolKind
	jpIntKind
	jpUintKind
	jpFloatKind
	jpComplexKind
	jpStringKind
)

var (
	errJPBadType    = errors.New("invalid type for comparison")
	errJPMismatched = errors.New("incompatible types for comparison")
)

// jpScalar is a comparable value: its kind and the value widened.
type jpScalar struct {
	kind jpCmpKind
	b    bool
	i    int64
	u    uint64
	f    float64
	c    complex128
	s    string
}

func jpScalarOf(v any) (jpScalar, error) {
	switch v := v.(type) {
	case bool:
		return jpScalar{kind: jpBoolKind, b: v}, nil
	case int:
		return jpScalar{kind: jpIntKind, i: int64(v)}, nil
	case int8:
		return jpScalar{kind: jpIntKind, i: int64(v)}, nil
	case int16:
		return jpScalar{kind: jpIntKind, i: int64(v)}, nil
	case int32:
		return jpScalar{kind: jpIntKind, i: int64(v)}, nil
	case int64:
		return jpScalar{kind: jpIntKind, i: v}, nil
	case uint:
		return jpScalar{kind: jpUintKind, u: uint64(v)}, nil
	case uint8:
		return jpScalar{kind: jpUintKind, u: uint64(v)}, nil
	case uint16:
		return jpScalar{kind: jpUintKind, u: uint64(v)}, nil
	case uint32:
		return jpScalar{kind: jpUintKind, u: uint64(v)}, nil
	case uint64:
		return jpScalar{kind: jpUintKind, u: v}, nil
	case uintptr:
		return jpScalar{kind: jpUintKind, u: uint64(v)}, nil
	case float32:
		return jpScalar{kind: jpFloatKind, f: float64(v)}, nil
	case float64:
		return jpScalar{kind: jpFloatKind, f: v}, nil
	case complex64:
		return jpScalar{kind: jpComplexKind, c: complex128(v)}, nil
	case complex128:
		return jpScalar{kind: jpComplexKind, c: v}, nil
	case string:
		return jpScalar{kind: jpStringKind, s: v}, nil
	}
	return jpScalar{}, errJPBadType
}

func jpPair(a, b any) (x, y jpScalar, err error) {
	if x, err = jpScalarOf(a); err != nil {
		return
	}
	y, err = jpScalarOf(b)
	return
}

func jpEqual(a, b any) (bool, error) {
	x, y, err := jpPair(a, b)
	if err != nil {
		return false, err
	}
	if x.kind != y.kind {
		switch {
		case x.kind == jpIntKind && y.kind == jpUintKind:
			return x.i >= 0 && uint64(x.i) == y.u, nil
		case x.kind == jpUintKind && y.kind == jpIntKind:
			return y.i >= 0 && x.u == uint64(y.i), nil
		}
		return false, errJPMismatched
	}
	switch x.kind {
	case jpBoolKind:
		return x.b == y.b, nil
	case jpIntKind:
		return x.i == y.i, nil
	case jpUintKind:
		return x.u == y.u, nil
	case jpFloatKind:
		return x.f == y.f, nil
	case jpComplexKind:
		return x.c == y.c, nil
	}
	return x.s == y.s, nil
}

func jpLess(a, b any) (bool, error) {
	x, y, err := jpPair(a, b)
	if err != nil {
		return false, err
	}
	if x.kind != y.kind {
		switch {
		case x.kind == jpIntKind && y.kind == jpUintKind:
			return x.i < 0 || uint64(x.i) < y.u, nil
		case x.kind == jpUintKind && y.kind == jpIntKind:
			return y.i >= 0 && x.u < uint64(y.i), nil
		}
		return false, errJPMismatched
	}
	switch x.kind {
	case jpBoolKind, jpComplexKind:
		return false, errJPBadType
	case jpIntKind:
		return x.i < y.i, nil
	case jpUintKind:
		return x.u < y.u, nil
	case jpFloatKind:
		return x.f < y.f, nil
	}
	return x.s < y.s, nil
}

func jpCompare(op string, a, b any) (bool, error) {
	switch op {
	case "==":
		return jpEqual(a, b)
	case "!=":
		eq, err := jpEqual(a, b)
		return !eq, err
	case "<":
		return jpLess(a, b)
	case ">=":
		lt, err := jpLess(a, b)
		return err == nil && !lt, err
	case "<=", ">":
		lt, err := jpLess(a, b)
		le := lt
		if err == nil && !lt {
			le, err = jpEqual(a, b)
		}
		if op == ">" {
			return err == nil && !le, err
		}
		return le, err
	}
	return false, fmt.Errorf("unrecognized filter operator %s", op)
}

// ---- printing ----

// jpPrint prints each action's values: separated by spaces, or with
// asJSON as an indented JSON array per action.
func jpPrint(sets [][]any, asJSON bool) (string, error) {
	var b strings.Builder
	for _, set := range sets {
		if asJSON {
			arr := make([]any, 0, len(set))
			for _, v := range set {
				if _, ok := v.(jpAbsent); ok {
					return "", errJPZeroInterface
				}
				arr = append(arr, v)
			}
			js, err := json.MarshalIndent(arr, "", "    ")
			if err != nil {
				return "", err
			}
			b.Write(js)
			b.WriteByte('\n')
			continue
		}
		for i, v := range set {
			if i > 0 {
				b.WriteByte(' ')
			}
			switch v := v.(type) {
			case jpAbsent:
				b.WriteString("<no value>")
			case nil:
				b.WriteString("null")
			case map[string]any, []any:
				js, err := json.Marshal(v)
				if err != nil {
					return "", err
				}
				b.Write(js)
			default:
				fmt.Fprint(&b, v)
			}
		}
	}
	return b.String(), nil
}

// jsonpathExecError is kubectl's JSONPathPrinter's error for a template
// that fails on the object, with the object as Go's %#v prints it.
func jsonpathExecError(template string, doc any, err error) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Error executing template: %v. Printing more information for debugging the template:\n", err)
	fmt.Fprintf(&b, "\ttemplate was:\n\t\t%v\n", template)
	fmt.Fprintf(&b, "\tobject given to jsonpath engine was:\n\t\t%#v\n\n", doc)
	return fmt.Errorf("error executing jsonpath %q: %v\n", template, b.String())
}
