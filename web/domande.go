package web

import (
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/sportello/sportello"
	"github.com/sportello/sportello/assistant"
	"github.com/sportello/sportello/handoff"
	"github.com/sportello/sportello/insights"
	"github.com/sportello/sportello/schede"
)

// questionView is an unanswered question with what the assistant would
// say now.
type questionView struct {
	handoff.Question
	// NowAnswered names the card that answers it today, if any: after a
	// scheda is added or changed, its questions show as solved.
	NowAnswered string
}

// groupView is a group as the page shows it.
type groupView struct {
	insights.Group
	Items    []questionView
	Solved   int
	IDs      string
	Examples []questionView
}

// domandePage shows what citizens could not find, grouped by meaning,
// most frequent first, with the actions on each group.
func (s *Server) domandePage(c echo.Context) error {
	st := currentStaff(c)
	ctx := c.Request().Context()
	qs, err := s.questions.List(ctx)
	if err != nil {
		return err
	}
	groups := s.grouper.Group(qs, s.desk.Now())
	views := make([]groupView, 0, len(groups))
	for _, g := range groups {
		v := groupView{Group: g}
		var ids []string
		for _, q := range g.Questions {
			qv := questionView{Question: q}
			if ans, err := s.assistant.Ask(ctx, q.Text, assistant.Context{}); err == nil && ans.Decision == assistant.DecisionAnswer && ans.Card != nil {
				qv.NowAnswered = ans.Card.Title
				v.Solved++
			}
			v.Items = append(v.Items, qv)
			ids = append(ids, itoa(int(q.ID)))
		}
		v.IDs = strings.Join(ids, ",")
		v.Examples = v.Items[:min(3, len(v.Items))]
		views = append(views, v)
	}
	var cards []*schede.Card
	if set := s.cards(); set != nil {
		cards = set.Cards
	}
	return s.render(c, http.StatusOK, "domande.html", map[string]any{
		"Title": "Domande senza risposta", "User": st.User, "CSRF": st.Session.CSRF, "IsAdmin": st.User.Role == handoff.StaffAdmin,
		"Groups": views, "Cards": cards, "Outcomes": handoff.OutcomeText, "Done": doneText[c.QueryParam("fatto")],
		"Editable": s.editor != nil,
	})
}

// domandeAction ignores a group, or adds to a scheda's domande the
// question as the editor rewrote it (without the form's field, the
// group's questions as asked); the index learns it within a second.
func (s *Server) domandeAction(c echo.Context) error {
	ctx := c.Request().Context()
	ids := parseIDs(c.FormValue("ids"))
	if len(ids) == 0 {
		return sportello.Errorf(sportello.EINVALID, "Nessuna domanda scelta.")
	}
	switch c.FormValue("azione") {
	case "ignora":
		if err := s.questions.Ignore(ctx, ids); err != nil {
			return err
		}
		return c.Redirect(http.StatusSeeOther, "/redazione/domande?fatto=ignorate")
	case "aggiungi":
		if s.editor == nil {
			return sportello.Errorf(sportello.ECONFLICT, "Le schede non sono modificabili da qui.")
		}
		p := c.FormValue("scheda")
		f, version, err := s.editor.Read(p)
		if err != nil {
			return err
		}
		if c.Request().Form.Has("domanda") {
			// The editor's own wording: what the redazione's page asks for.
			text := strings.Join(strings.Fields(c.FormValue("domanda")), " ")
			if n := utf8.RuneCountInString(text); n < 3 || n > 200 {
				return sportello.Errorf(sportello.EINVALID, "Scrivi la domanda da aggiungere, tra 3 e 200 caratteri.")
			}
			if !slices.Contains(f.Questions, text) {
				f.Questions = append(f.Questions, text)
			}
		} else {
			qs, err := s.questions.List(ctx)
			if err != nil {
				return err
			}
			for _, q := range qs {
				if slices.Contains(ids, q.ID) && !slices.Contains(f.Questions, q.Text) {
					f.Questions = append(f.Questions, q.Text)
				}
			}
		}
		if _, _, err := s.editor.Save(p, f, version); err != nil {
			return err
		}
		s.log.Info("questions added to a scheda", "path", p, "count", len(ids), "by", currentStaff(c).User.Name)
		return c.Redirect(http.StatusSeeOther, "/redazione/domande?fatto=aggiunte")
	}
	return sportello.Errorf(sportello.EINVALID, "Operazione non valida.")
}
