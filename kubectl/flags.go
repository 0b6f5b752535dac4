package kubectl

import (
	"encoding/csv"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// flagType is how a flag's value is read: as pflag reads the flag types
// kubectl declares (rule 2).
type flagType int

const (
	stringFlag      flagType = iota
	boolFlag                 // strconv.ParseBool; "--x" alone means true
	intFlag                  // strconv.ParseInt(v, 0, 64)
	int32Flag                // strconv.ParseInt(v, 0, 32)
	stringSliceFlag          // one CSV record per occurrence, occurrences add up
	durationFlag             // time.ParseDuration
)

// flagDef is one flag of a command, as kubectl declares it.
type flagDef struct {
	name  string
	short byte
	typ   flagType
	// def is the value when the flag is not given.
	def string
	// noOpt is the value of "--name" given without a value (pflag's
	// NoOptDefVal): "true" for booleans, "background" for --cascade,
	// "unchanged" for --dry-run. Such a flag never takes the next word.
	noOpt string
	// deprecated is pflag's deprecation message, printed each time the
	// flag is set.
	deprecated string
}

func (d *flagDef) display() string {
	if d.short != 0 {
		return fmt.Sprintf("-%c, --%s", d.short, d.name)
	}
	return "--" + d.name
}

// Flags shared by several commands, as cli-runtime and cmdutil declare them.
var (
	fNamespace  = flagDef{name: "namespace", short: 'n', typ: stringFlag}
	fFilename   = flagDef{name: "filename", short: 'f', typ: stringSliceFlag}
	fSelector   = flagDef{name: "selector", short: 'l', typ: stringFlag}
	fAll        = flagDef{name: "all", typ: boolFlag, def: "false", noOpt: "true"}
	fAllNS      = flagDef{name: "all-namespaces", short: 'A', typ: boolFlag, def: "false", noOpt: "true"}
	fOutput     = flagDef{name: "output", short: 'o', typ: stringFlag}
	fDryRun     = flagDef{name: "dry-run", typ: stringFlag, def: "none", noOpt: "unchanged"}
	fRecord     = flagDef{name: "record", typ: boolFlag, def: "false", noOpt: "true", deprecated: "--record will be removed in the future"}
	fOverwrite  = flagDef{name: "overwrite", typ: boolFlag, def: "false", noOpt: "true"}
	fWatch      = flagDef{name: "watch", short: 'w', typ: boolFlag, def: "false", noOpt: "true"}
	fWatchOnly  = flagDef{name: "watch-only", typ: boolFlag, def: "false", noOpt: "true"}
	fWatchEvs   = flagDef{name: "output-watch-events", typ: boolFlag, def: "false", noOpt: "true"}
	fReqTimeout = flagDef{name: "request-timeout", typ: stringFlag, def: "0"}
	fTimeout    = flagDef{name: "timeout", typ: durationFlag, def: "0s"}
	fIgnoreNF   = flagDef{name: "ignore-not-found", typ: boolFlag, def: "false", noOpt: "true"}
	fShowLabels = flagDef{name: "show-labels", typ: boolFlag, def: "false", noOpt: "true"}
	fLabelCols  = flagDef{name: "label-columns", short: 'L', typ: stringSliceFlag}
	fNoHeaders  = flagDef{name: "no-headers", typ: boolFlag, def: "false", noOpt: "true"}
	fShowKind   = flagDef{name: "show-kind", typ: boolFlag, def: "false", noOpt: "true"}
	// fResourceVersion is label's and annotate's --resource-version.
	fResourceVersion = flagDef{name: "resource-version", typ: stringFlag}
)

// commandSpec is one kubectl command kubesem understands.
type commandSpec struct {
	path     string   // canonical path: "create namespace", "rollout status"
	aliases  []string // other names of the last word: "ns"
	flags    []flagDef
	required []string // cobra's required flags
	run      func(*Shell, *command) error
}

func (cs *commandSpec) lookup(name string) *flagDef {
	for i := range cs.flags {
		if cs.flags[i].name == name {
			return &cs.flags[i]
		}
	}
	if name == fNamespace.name {
		return &fNamespace
	}
	return nil
}

func (cs *commandSpec) lookupShort(c byte) *flagDef {
	for i := range cs.flags {
		if cs.flags[i].short == c {
			return &cs.flags[i]
		}
	}
	if c == fNamespace.short {
		return &fNamespace
	}
	return nil
}

// errHelp is -h / --help, which kubesem does not print.
var errHelp = errors.New("kubesem's kubectl prints no help (-h, --help)")

// flagError is a flag parse error; kubectl adds a pointer to the help
// (templates.FlagErrorFunc).
type flagError struct {
	msg     string
	cmdPath string
}

func (e *flagError) Error() string {
	return fmt.Sprintf("%s\nSee '%s --help' for usage.", e.msg, e.cmdPath)
}

// occurrence is one flag as given, in order: what --record renders.
type occurrence struct {
	def   *flagDef
	value string
}

// parseFlags reads tokens as pflag does (interspersed flags, "--" ends
// the flags, "--name=value", "--name value", "-n value", "-nvalue",
// "-n=value", grouped short booleans "-Aw") and returns the positional
// words, the position of "--" among them (-1 if none) and the flags in
// order. Deprecated flags add their message to warn.
func (cs *commandSpec) parseFlags(cmdPath string, tokens []string, warn *strings.Builder) (pos []string, dashAt int, occ []occurrence, err error) {
	dashAt = -1
	fail := func(format string, a ...any) error {
		return &flagError{msg: fmt.Sprintf(format, a...), cmdPath: cmdPath}
	}
	set := func(d *flagDef, v string) error {
		if err := checkValue(d, v); err != nil {
			return fail("invalid argument %q for %q flag: %v", v, d.display(), err)
		}
		occ = append(occ, occurrence{d, v})
		if d.deprecated != "" {
			fmt.Fprintf(warn, "Flag --%s has been deprecated, %s\n", d.name, d.deprecated)
		}
		return nil
	}
	for i := 0; i < len(tokens); i++ {
		s := tokens[i]
		switch {
		case len(s) < 2 || s[0] != '-':
			pos = append(pos, s)
		case s == "--":
			dashAt = len(pos)
			pos = append(pos, tokens[i+1:]...)
			return pos, dashAt, occ, nil
		case s[1] == '-':
			name := s[2:]
			if name == "" || name[0] == '-' || name[0] == '=' {
				return nil, 0, nil, fail("bad flag syntax: %s", s)
			}
			name, value, hasValue := strings.Cut(name, "=")
			d := cs.lookup(strings.ReplaceAll(name, "_", "-")) // cliflag.WordSepNormalizeFunc
			if d == nil {
				if name == "help" {
					return nil, 0, nil, errHelp
				}
				return nil, 0, nil, fail("unknown flag: --%s", name)
			}
			switch {
			case hasValue:
			case d.noOpt != "":
				value = d.noOpt
			case i+1 < len(tokens):
				i++
				value = tokens[i]
			default:
				return nil, 0, nil, fail("flag needs an argument: --%s", name)
			}
			if err := set(d, value); err != nil {
				return nil, 0, nil, err
			}
		default:
			shorts := s[1:]
			for shorts != "" {
				c := shorts[0]
				d := cs.lookupShort(c)
				if d == nil {
					if c == 'h' {
						return nil, 0, nil, errHelp
					}
					return nil, 0, nil, fail("unknown shorthand flag: %q in -%s", c, shorts)
				}
				var value string
				switch {
				case len(shorts) > 2 && shorts[1] == '=':
					value, shorts = shorts[2:], ""
				case d.noOpt != "":
					value, shorts = d.noOpt, shorts[1:]
				case len(shorts) > 1:
					value, shorts = shorts[1:], ""
				case i+1 < len(tokens):
					i++
					value, shorts = tokens[i], ""
				default:
					return nil, 0, nil, fail("flag needs an argument: %q in -%s", c, shorts)
				}
				if err := set(d, value); err != nil {
					return nil, 0, nil, err
				}
			}
		}
	}
	return pos, dashAt, occ, nil
}

// checkValue is the flag type's Set: the error pflag reports for a value
// it cannot read.
func checkValue(d *flagDef, v string) error {
	var err error
	switch d.typ {
	case boolFlag:
		_, err = strconv.ParseBool(v)
	case intFlag:
		_, err = strconv.ParseInt(v, 0, 64)
	case int32Flag:
		_, err = strconv.ParseInt(v, 0, 32)
	case durationFlag:
		_, err = time.ParseDuration(v)
	case stringSliceFlag:
		_, err = readAsCSV(v)
	}
	return err
}

func readAsCSV(v string) ([]string, error) {
	if v == "" {
		return nil, nil
	}
	return csv.NewReader(strings.NewReader(v)).Read()
}

// command is a parsed command line.
type command struct {
	spec   *commandSpec
	args   []string // positional words after the command's path
	dashAt int      // how many of args came before "--"; -1 without "--"
	occ    []occurrence
	cause  string // the command line as --record renders it
	ns     string
	// nsGiven: -n was given, so objects from files must be in it
	// (kubectl's enforceNamespace).
	nsGiven bool
	out     *strings.Builder // stdout and stderr, in order
}

func (c *command) changed(name string) bool {
	for _, o := range c.occ {
		if o.def.name == name {
			return true
		}
	}
	return false
}

// str is a string flag's value: the last one given, else the default.
func (c *command) str(name string) string {
	v, ok := "", false
	for _, o := range c.occ {
		if o.def.name == name {
			v, ok = o.value, true
		}
	}
	if !ok {
		if d := c.spec.lookup(name); d != nil {
			return d.def
		}
	}
	return v
}

func (c *command) bool(name string) bool {
	b, _ := strconv.ParseBool(c.str(name))
	return b
}

func (c *command) int(name string) int64 {
	n, _ := strconv.ParseInt(c.str(name), 0, 64)
	return n
}

func (c *command) duration(name string) time.Duration {
	d, _ := time.ParseDuration(c.str(name))
	return d
}

// list is a string slice flag's values: every occurrence's CSV record in
// order, else the default's.
func (c *command) list(name string) []string {
	var out []string
	given := false
	for _, o := range c.occ {
		if o.def.name == name {
			given = true
			rec, _ := readAsCSV(o.value)
			out = append(out, rec...)
		}
	}
	if !given {
		if d := c.spec.lookup(name); d != nil && d.def != "" {
			out, _ = readAsCSV(d.def)
		}
	}
	return out
}

// changeCause renders the command line as kubectl's --record does
// (genericclioptions parseCommandArguments): "kubectl", then every word
// that is not a flag in the order typed (the command's path included),
// then every flag in the order typed as " --<long name>=<value as
// typed>".
func changeCause(words []string, occ []occurrence) string {
	var b strings.Builder
	b.WriteString("kubectl")
	for _, w := range words {
		b.WriteString(" " + w)
	}
	for _, o := range occ {
		b.WriteString(" --" + o.def.name + "=" + o.value)
	}
	return b.String()
}

// split tokenises a command line as a POSIX shell does for the simple
// cases: blanks separate words; single quotes keep everything; double
// quotes keep everything but a backslash before " \ $ or `, which it
// escapes; a backslash outside quotes keeps the next character.
func split(line string) ([]string, error) {
	var out []string
	var cur strings.Builder
	inTok := false
	var quote rune
	escaped := false // the previous character was an escaping backslash
	for _, r := range line {
		switch {
		case escaped:
			if quote == '"' && !strings.ContainsRune("\"\\$`\n", r) {
				cur.WriteRune('\\')
			}
			cur.WriteRune(r)
			escaped = false
		case quote == '\'':
			if r == '\'' {
				quote = 0
			} else {
				cur.WriteRune(r)
			}
		case quote == '"':
			switch r {
			case '"':
				quote = 0
			case '\\':
				escaped = true
			default:
				cur.WriteRune(r)
			}
		case r == '\\':
			escaped, inTok = true, true
		case r == '\'' || r == '"':
			quote, inTok = r, true
		case r == ' ' || r == '\t' || r == '\n':
			if inTok {
				out = append(out, cur.String())
				cur.Reset()
				inTok = false
			}
		default:
			cur.WriteRune(r)
			inTok = true
		}
	}
	if quote != 0 || escaped {
		return nil, fmt.Errorf("unterminated quote or escape in %q", line)
	}
	if inTok {
		out = append(out, cur.String())
	}
	return out, nil
}
