package web

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/sportello/sportello"
	"github.com/sportello/sportello/assistant"
	"github.com/sportello/sportello/handoff"
	"github.com/sportello/sportello/schede"
)

// schedaRow is one line of the editors' list.
type schedaRow struct {
	Card     *schede.Card
	Errors   []schede.Problem
	Warnings []schede.Problem
	Stale    bool
}

// redazionePage lists the schede with search, category and state, their
// last review and what `sportello check` says of them.
func (s *Server) redazionePage(c echo.Context) error {
	st := currentStaff(c)
	set := s.cards()
	byFile := map[string][]schede.Problem{}
	if s.problems != nil {
		for _, p := range s.problems() {
			byFile[p.File] = append(byFile[p.File], p)
		}
	}
	q := strings.ToLower(strings.TrimSpace(c.QueryParam("q")))
	cat, state := c.QueryParam("categoria"), c.QueryParam("stato")
	var rows []schedaRow
	var cats []string
	now := s.desk.Now()
	if set != nil {
		for _, card := range set.Cards {
			if card.Category != "" && !slices.Contains(cats, card.Category) {
				cats = append(cats, card.Category)
			}
			text := strings.ToLower(card.Title + " " + card.ID + " " + card.Description + " " + strings.Join(card.Synonyms, " "))
			if q != "" && !strings.Contains(text, q) || cat != "" && card.Category != cat || state != "" && string(card.Status) != state {
				continue
			}
			row := schedaRow{Card: card, Stale: card.Updated.IsZero() || now.Sub(card.Updated) > 365*24*time.Hour}
			for _, p := range byFile[card.Path] {
				if p.Severity == schede.Error {
					row.Errors = append(row.Errors, p)
				} else {
					row.Warnings = append(row.Warnings, p)
				}
			}
			rows = append(rows, row)
		}
	}
	sort.Strings(cats)
	sort.Slice(rows, func(i, j int) bool { return rows[i].Card.Title < rows[j].Card.Title })
	// Files that do not load at all are listed apart: they have no card.
	var broken []schede.Problem
	for file, ps := range byFile {
		if set == nil || !slices.ContainsFunc(set.Cards, func(c *schede.Card) bool { return c.Path == file }) {
			for _, p := range ps {
				if p.Severity == schede.Error {
					broken = append(broken, p)
				}
			}
		}
	}
	sort.Slice(broken, func(i, j int) bool { return broken[i].String() < broken[j].String() })
	return s.render(c, http.StatusOK, "redazione.html", map[string]any{
		"Title": "Redazione", "User": st.User, "CSRF": st.Session.CSRF, "IsAdmin": st.User.Role == handoff.StaffAdmin,
		"Rows": rows, "Categories": cats, "Q": c.QueryParam("q"), "Cat": cat, "State": state, "Broken": broken,
		"Editable": s.editor != nil,
	})
}

// formOf reads the editor's form into a draft.
func formOf(c echo.Context) schede.Form {
	lines := func(v string) []string {
		var out []string
		for _, l := range strings.Split(strings.ReplaceAll(v, "\r\n", "\n"), "\n") {
			if l = strings.TrimSpace(l); l != "" {
				out = append(out, l)
			}
		}
		return out
	}
	var syn []string
	for _, w := range strings.Split(c.FormValue("sinonimi"), ",") {
		if w = strings.TrimSpace(w); w != "" {
			syn = append(syn, w)
		}
	}
	f := schede.Form{
		ID: strings.TrimSpace(c.FormValue("id")), Title: strings.TrimSpace(c.FormValue("titolo")),
		Description: strings.TrimSpace(c.FormValue("descrizione")), Category: strings.TrimSpace(c.FormValue("categoria")),
		Office: strings.TrimSpace(c.FormValue("ufficio")), Synonyms: syn, Questions: lines(c.FormValue("domande")),
		Link: strings.TrimSpace(c.FormValue("link")), Updated: strings.TrimSpace(c.FormValue("aggiornata")),
		Status: schede.Status(c.FormValue("stato")), Body: c.FormValue("corpo"),
	}
	return f
}

// schedaPage opens the editor on a file (?path=) or a new scheda, which
// may come prefilled with questions citizens asked (?domande=1,2,3).
func (s *Server) schedaPage(c echo.Context) error {
	p := c.QueryParam("path")
	var f schede.Form
	version := ""
	if p != "" {
		if s.editor == nil {
			return sportello.Errorf(sportello.ECONFLICT, "Le schede non sono modificabili da qui.")
		}
		var err error
		if f, version, err = s.editor.Read(p); err != nil {
			return err
		}
	} else {
		f.Status = schede.Draft
		f.Updated = s.desk.Now().In(handoff.Rome()).Format("2006-01-02")
		f.Body = "Una frase di sintesi del servizio.\n\n## A chi è rivolto\n\n\n## Come fare\n\n\n## Cosa serve\n\n\n## Quanto costa\n\n\n## Tempi e scadenze\n\n\n## Contatti\n"
		if ids := parseIDs(c.QueryParam("domande")); len(ids) > 0 {
			qs, err := s.questions.List(c.Request().Context())
			if err != nil {
				return err
			}
			for _, q := range qs {
				if slices.Contains(ids, q.ID) {
					f.Questions = append(f.Questions, q.Text)
				}
			}
		}
	}
	return s.renderScheda(c, http.StatusOK, p, version, f, nil, doneText[c.QueryParam("fatto")])
}

func (s *Server) renderScheda(c echo.Context, status int, p, version string, f schede.Form, problems []schede.Problem, note string) error {
	st := currentStaff(c)
	preview, checked := s.preview(p, f)
	if problems == nil {
		problems = checked
	}
	// Each problem also shows beside the field it concerns.
	fp := map[string][]string{}
	composed := schede.Compose(f)
	for _, pr := range problems {
		if field := schede.FieldOf(composed, pr.Line); field != "" && pr.Severity == schede.Error {
			fp[field] = append(fp[field], pr.Message)
		}
	}
	return s.render(c, status, "scheda.html", map[string]any{
		"FP":    fp,
		"Title": "Scheda " + f.Title, "User": st.User, "CSRF": st.Session.CSRF, "IsAdmin": st.User.Role == handoff.StaffAdmin,
		"Path": p, "Version": version, "F": f, "Synonyms": strings.Join(f.Synonyms, ", "), "Questions": strings.Join(f.Questions, "\n"),
		"Problems": problems, "Preview": preview, "Note": note, "JS": s.assets.URL("redazione.js"), "Editable": s.editor != nil,
		"New": version == "",
	})
}

// preview renders a draft as a citizen would see it, and checks it.
func (s *Server) preview(p string, f schede.Form) (previewCard, []schede.Problem) {
	name := p
	if name == "" {
		name = f.ID + ".md"
	}
	card, problems := schede.NewParser().Parse(name, schede.Compose(f))
	if card == nil {
		return previewCard{}, problems
	}
	return previewCard{Card: card, OK: true}, problems
}

// previewCard is what the preview template shows.
type previewCard struct {
	Card *schede.Card
	OK   bool
}

// previewFragment answers the editor's live preview.
func (s *Server) previewFragment(c echo.Context) error {
	f := formOf(c)
	pv, problems := s.preview(c.FormValue("path"), f)
	var buf bytes.Buffer
	if err := s.pages.ExecuteTemplate(&buf, "preview", map[string]any{"Preview": pv, "Problems": problems}); err != nil {
		return err
	}
	return c.HTMLBlob(http.StatusOK, buf.Bytes())
}

// tryDraft asks the assistant a question against the schede with this
// draft in place, before anything is saved.
func (s *Server) tryDraft(c echo.Context) error {
	f := formOf(c)
	question := strings.TrimSpace(c.FormValue("domanda"))
	if question == "" {
		return sportello.Errorf(sportello.EINVALID, "Scrivi una domanda da provare.")
	}
	name := c.FormValue("path")
	if name == "" {
		name = f.ID + ".md"
	}
	card, problems := schede.NewParser().Parse(name, schede.Compose(f))
	if card == nil {
		return sportello.Errorf(sportello.EINVALID, "La scheda ha degli errori: %s", problems[0].Message)
	}
	card.Status = schede.Published // a draft is tried as if published
	ans, err := s.askWith(c.Request().Context(), card, question)
	if err != nil {
		return err
	}
	out := map[string]any{"decision": ans.Decision, "confidence": ans.Confidence, "text": ans.Text}
	if ans.Card != nil {
		out["card"] = ans.Card.Title
		out["this_card"] = ans.Card.ID == card.ID
	}
	if ans.Section != nil {
		out["section"] = ans.Section.Heading
	}
	return c.JSON(http.StatusOK, out)
}

// askWith answers with the current schede and card in place of the one
// with its path or ID: a separate index, the live one untouched.
func (s *Server) askWith(ctx context.Context, card *schede.Card, question string) (assistant.Answer, error) {
	set := s.cards()
	var cards []*schede.Card
	var syn [][]string
	if set != nil {
		syn = set.Synonyms
		for _, c := range set.Cards {
			if c.Path != card.Path && c.ID != card.ID {
				cards = append(cards, c)
			}
		}
	}
	a := assistant.New(assistant.Options{Comune: s.opts.Comune, NoBank: s.opts.NoQuestionBank})
	if err := a.Load(schede.NewSet(append(cards, card), syn)); err != nil {
		return assistant.Answer{}, err
	}
	return a.Ask(ctx, question, assistant.Context{})
}

// saveScheda writes the draft; a stale version is a conflict, errors are
// shown in place, the text typed is never lost.
func (s *Server) saveScheda(c echo.Context) error {
	if s.editor == nil {
		return sportello.Errorf(sportello.ECONFLICT, "Le schede non sono modificabili da qui.")
	}
	f := formOf(c)
	p := c.FormValue("path")
	version := c.FormValue("versione")
	if p == "" {
		if f.ID == "" {
			return s.renderScheda(c, http.StatusBadRequest, p, version, f, []schede.Problem{{Severity: schede.Error, Message: "scegli un id per la nuova scheda (minuscole, cifre e trattini)"}}, "")
		}
		p = f.ID + ".md"
		if cat := slugOf(f.Category); cat != "" {
			p = cat + "/" + p
		}
	}
	newVersion, problems, err := s.editor.Save(p, f, version)
	if err != nil {
		code := sportello.ErrorCode(err)
		if code == sportello.EINTERNAL {
			return err
		}
		if problems == nil {
			problems = []schede.Problem{{Severity: schede.Error, Message: sportello.ErrorMessage(err)}}
		}
		if c.FormValue("path") == "" {
			p = ""
		}
		return s.renderScheda(c, statusOf[code], p, version, f, problems, "")
	}
	s.log.Info("scheda saved", "path", p, "by", currentStaff(c).User.Name, "version", newVersion)
	return c.Redirect(http.StatusSeeOther, "/redazione/scheda?path="+url.QueryEscape(p)+"&fatto=salvata")
}

// slugOf makes a folder name of a category.
func slugOf(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '-':
			if b.Len() > 0 && !strings.HasSuffix(b.String(), "-") {
				b.WriteByte('-')
			}
		}
	}
	return strings.Trim(b.String(), "-")
}

func parseIDs(v string) []uint64 {
	var out []uint64
	for _, f := range strings.Split(v, ",") {
		if n, err := strconv.ParseUint(strings.TrimSpace(f), 10, 64); err == nil {
			out = append(out, n)
		}
	}
	return out
}
