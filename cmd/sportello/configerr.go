package main

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/sportello/sportello/schede"
)

// The YAML library reports problems in English and with Go type names
// ("field nmae not found in type main.ComuneConfig"). The comune's IT
// reads them, so they are told again in Italian, with the section of
// the file and, for a mistyped key, the key that was likely meant.

var (
	yamlUnknownField = regexp.MustCompile(`^line (\d+): field (.+) not found in type (\S+)$`)
	yamlBadValue     = regexp.MustCompile("^line (\\d+): cannot unmarshal !!(\\w+) (?:`(.*)` )?into (\\S+)$")
	yamlSyntaxLine   = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)
)

// configSection describes a struct of Config: where it sits in the file
// and the keys it knows.
type configSection struct {
	path string
	keys []string
}

// configSections maps the Go name of each struct type in Config
// ("main.ComuneConfig") to its section ("comune").
func configSections() map[string]configSection {
	out := map[string]configSection{}
	var walk func(t reflect.Type, path string)
	walk = func(t reflect.Type, path string) {
		sec := configSection{path: path}
		for i := range t.NumField() {
			f := t.Field(i)
			key, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			if key == "" || key == "-" {
				continue
			}
			sec.keys = append(sec.keys, key)
			if f.Type.Kind() == reflect.Struct {
				walk(f.Type, strings.TrimPrefix(path+"."+key, "."))
			}
		}
		out[t.String()] = sec
	}
	walk(reflect.TypeFor[Config](), "")
	return out
}

// configDecodeError tells a YAML decoding error in Italian: every
// problem of the file src, one a line.
func configDecodeError(err error, src []byte) []string {
	lines := strings.Split(string(src), "\n")
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		if m := yamlSyntaxLine.FindStringSubmatch(err.Error()); m != nil {
			return []string{fmt.Sprintf("riga %s: YAML non valido (%s): controlla rientri, due punti e virgolette", m[1], m[2])}
		}
		return []string{fmt.Sprintf("YAML non valido (%s)", strings.TrimPrefix(err.Error(), "yaml: "))}
	}
	sections := configSections()
	var out []string
	for _, e := range te.Errors {
		if m := yamlUnknownField.FindStringSubmatch(e); m != nil {
			sec := sections[m[3]]
			where := "al primo livello"
			if sec.path != "" {
				where = "in " + sec.path
			}
			msg := fmt.Sprintf("riga %s: chiave sconosciuta %q %s", m[1], m[2], where)
			if near := schede.Closest(m[2], sec.keys); near != "" {
				msg += fmt.Sprintf(": forse intendevi %q?", near)
			} else if len(sec.keys) > 0 {
				msg += " (chiavi ammesse: " + strings.Join(sec.keys, ", ") + ")"
			}
			out = append(out, msg)
			continue
		}
		if m := yamlBadValue.FindStringSubmatch(e); m != nil {
			value := m[3]
			// The library cuts long values short ("08:00-1..."): the
			// line itself has it whole.
			if n, _ := strconv.Atoi(m[1]); strings.HasSuffix(value, "...") && n >= 1 && n <= len(lines) {
				if _, v, ok := strings.Cut(lines[n-1], ":"); ok {
					v, _, _ = strings.Cut(v, " #")
					value = strings.Trim(strings.TrimSpace(v), `"'`)
				}
			}
			out = append(out, fmt.Sprintf("riga %s: %s", m[1], badValue(m[2], value, m[4])))
			continue
		}
		out = append(out, "valore non valido ("+e+")")
	}
	return out
}

// badValue says what was expected where a value of the wrong kind is.
func badValue(kind, value, into string) string {
	got := fmt.Sprintf("%q", value)
	switch kind {
	case "seq":
		got = "un elenco"
	case "map":
		got = "un gruppo di chiavi"
	}
	want := "un valore di altro tipo"
	switch {
	case strings.HasPrefix(into, "int") || strings.HasPrefix(into, "uint"):
		want = "un numero intero"
	case into == "bool":
		want = "true o false"
	case strings.HasPrefix(into, "[]"):
		want = `un elenco, ad esempio ["08:00-13:00", "14:30-18:00"]`
	case strings.HasPrefix(into, "map["):
		want = "un gruppo di chiavi, una per riga"
	case into == "string":
		want = "un testo"
	}
	return fmt.Sprintf("qui va %s, non %s", want, got)
}
