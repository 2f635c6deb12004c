package assistant

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"regexp"
	"strings"
)

// Question is one line of an evaluation file: a citizen's question and
// the card IDs that are a right answer (none: out of scope, the right
// outcome is a person).
type Question struct {
	Text     string
	Expected []string
	Line     int
}

// InScope reports whether some card answers the question.
func (q Question) InScope() bool { return len(q.Expected) > 0 }

var evalID = regexp.MustCompile(`^[a-z0-9-]+$`)

// ReadQuestions parses an evaluation file (shared/schede-format.md). It
// reads every line and returns all problems, one per bad line, in Italian
// with the file name and line.
func ReadQuestions(r io.Reader, name string) ([]Question, []error) {
	var qs []Question
	var errs []error
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	n := 0
	first := true
	for sc.Scan() {
		n++
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if first && len(cols) == 2 && strings.TrimSpace(cols[0]) == "domanda" && strings.TrimSpace(cols[1]) == "attesa" {
			first = false
			continue
		}
		first = false
		if len(cols) != 2 {
			errs = append(errs, fmt.Errorf("%s:%d: servono due colonne separate da un TAB (domanda e attesa), trovate %d", name, n, len(cols)))
			continue
		}
		text, want := strings.TrimSpace(cols[0]), strings.TrimSpace(cols[1])
		if text == "" {
			errs = append(errs, fmt.Errorf("%s:%d: la domanda è vuota", name, n))
			continue
		}
		q := Question{Text: text, Line: n}
		if want != "-" {
			for _, id := range strings.Split(want, "|") {
				id = strings.TrimSpace(id)
				if !evalID.MatchString(id) {
					errs = append(errs, fmt.Errorf("%s:%d: attesa %q non valida: un id di scheda, più id separati da | oppure -", name, n, want))
					q.Expected = nil
					break
				}
				q.Expected = append(q.Expected, id)
			}
			if q.Expected == nil {
				continue
			}
		}
		qs = append(qs, q)
	}
	if err := sc.Err(); err != nil {
		errs = append(errs, fmt.Errorf("%s: lettura interrotta: %v", name, err))
	}
	return qs, errs
}

// Result is the outcome of one evaluation question.
type Result struct {
	Question   string   `json:"question"`
	Expected   string   `json:"expected"`
	Outcome    string   `json:"outcome"`
	Scheda     string   `json:"scheda"`
	Options    []string `json:"options"`
	Confidence float64  `json:"confidence"`
	Right      bool     `json:"-"`
}

// Report sums up an evaluation. Top1, Top3 and MRR are over in-scope
// questions, from the ranking whatever the decision.
type Report struct {
	Total          int      `json:"total"`
	InScope        int      `json:"in_scope"`
	OutOfScope     int      `json:"out_of_scope"`
	AnsweredRight  int      `json:"answered_right"`
	AnsweredWrong  int      `json:"answered_wrong"`
	ClarifiedRight int      `json:"clarified_right"`
	ClarifiedWrong int      `json:"clarified_wrong"`
	HandoffRight   int      `json:"handoff_right"`
	HandoffMissed  int      `json:"handoff_missed"`
	Top1           float64  `json:"top1"`
	Top3           float64  `json:"top3"`
	MRR            float64  `json:"mrr"`
	Results        []Result `json:"results"`
}

// Evaluate asks every question on its own (no conversation context).
func Evaluate(ctx context.Context, a *Assistant, qs []Question) (Report, error) {
	rep := Report{Results: make([]Result, 0, len(qs))}
	var top1, top3, rr float64
	for _, q := range qs {
		ans, err := a.Ask(ctx, q.Text, Context{})
		if err != nil {
			return rep, fmt.Errorf("question at line %d: %w", q.Line, err)
		}
		want := map[string]bool{}
		for _, id := range q.Expected {
			want[id] = true
		}
		res := Result{Question: q.Text, Expected: "-", Options: []string{}, Confidence: ans.Confidence}
		if q.InScope() {
			res.Expected = strings.Join(q.Expected, "|")
		}
		switch ans.Decision {
		case DecisionAnswer:
			res.Outcome, res.Scheda = "answer", ans.Card.ID
			res.Right = want[ans.Card.ID]
		case DecisionClarify:
			res.Outcome = "clarify"
			for _, o := range ans.Options {
				res.Options = append(res.Options, o.ID)
				res.Right = res.Right || want[o.ID]
			}
		default:
			res.Outcome = "handoff"
			res.Right = !q.InScope()
		}
		rep.Total++
		if q.InScope() {
			rep.InScope++
			for i, r := range ans.Ranked {
				if want[r.CardID] {
					if i == 0 {
						top1++
					}
					if i < 3 {
						top3++
					}
					rr += 1 / float64(i+1)
					break
				}
			}
		} else {
			rep.OutOfScope++
		}
		switch {
		case res.Outcome == "answer" && res.Right:
			rep.AnsweredRight++
		case res.Outcome == "answer":
			rep.AnsweredWrong++
		case res.Outcome == "clarify" && res.Right:
			rep.ClarifiedRight++
		case res.Outcome == "clarify":
			rep.ClarifiedWrong++
		case res.Right:
			rep.HandoffRight++
		default:
			rep.HandoffMissed++
		}
		rep.Results = append(rep.Results, res)
	}
	if rep.InScope > 0 {
		n := float64(rep.InScope)
		rep.Top1, rep.Top3, rep.MRR = round4(top1/n), round4(top3/n), round4(rr/n)
	}
	return rep, nil
}

func round4(f float64) float64 { return float64(int(f*10000+0.5)) / 10000 }
