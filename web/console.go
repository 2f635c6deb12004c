package web

import (
	"bytes"
	"context"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/sportello/sportello"
	"github.com/sportello/sportello/assistant"
	"github.com/sportello/sportello/handoff"
)

// render executes a staff page template.
func (s *Server) render(c echo.Context, status int, name string, data map[string]any) error {
	data["Comune"] = s.opts.Comune
	data["CSS"] = s.assets.URL("console.css")
	var buf bytes.Buffer
	if err := s.pages.ExecuteTemplate(&buf, name, data); err != nil {
		return err
	}
	return c.HTMLBlob(status, buf.Bytes())
}

func itoa(n int) string { return strconv.Itoa(n) }

// consolePage is the operator console: a shell the script fills from
// the console WebSocket.
func (s *Server) consolePage(c echo.Context) error {
	st := currentStaff(c)
	return s.render(c, http.StatusOK, "console.html", map[string]any{
		"Title": "Console operatori", "User": st.User, "CSRF": st.Session.CSRF,
		"IsAdmin": st.User.Role == handoff.StaffAdmin,
		"JS":      s.assets.URL("console.js"),
		"Outcomes": []struct{ Value, Label string }{
			{"risolta", handoff.Outcomes["risolta"]},
			{"richiesta", handoff.Outcomes["richiesta"]},
			{"altro_ente", handoff.Outcomes["altro_ente"]},
			{"abbandonata", handoff.Outcomes["abbandonata"]},
			{"non_pertinente", handoff.Outcomes["non_pertinente"]},
		},
	})
}

// chatView is one conversation as the console shows it: everything,
// operators' notes included.
type chatView struct {
	ID          string               `json:"id"`
	State       handoff.State        `json:"state"`
	Operator    string               `json:"operator,omitempty"`
	CreatedAt   string               `json:"created_at"`
	Escalations []handoff.Escalation `json:"escalations"`
	Messages    []messageView        `json:"messages"`
}

func (s *Server) chatView(ctx context.Context, id string) (chatView, error) {
	conv, err := s.store.Conversation(ctx, id)
	if err != nil {
		return chatView{}, err
	}
	msgs, err := s.store.Messages(ctx, id, 0, 5000)
	if err != nil {
		return chatView{}, err
	}
	v := chatView{ID: id, State: conv.State, Operator: conv.Operator, CreatedAt: conv.CreatedAt.Format("2006-01-02T15:04:05Z07:00"), Escalations: conv.Escalations}
	for _, m := range msgs {
		v.Messages = append(v.Messages, view(m))
	}
	return v, nil
}

// consoleChat returns a chat the operator holds or that is waiting (to
// read before picking it up); admins may read any.
func (s *Server) consoleChat(c echo.Context) error {
	st := currentStaff(c)
	id := c.Param("id")
	state, holder := s.desk.Live(id)
	if st.User.Role != handoff.StaffAdmin && state != handoff.StateQueued && holder != st.User.Name {
		return sportello.Errorf(sportello.EFORBIDDEN, "Questa conversazione non è in coda né assegnata a te.")
	}
	v, err := s.chatView(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

func (s *Server) pickup(c echo.Context) error {
	if err := s.desk.Pickup(c.Request().Context(), currentStaff(c).User.Name, c.Param("id")); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]bool{"ok": true})
}

type operatorSendRequest struct {
	Text     string `json:"text"`
	ClientID string `json:"client_id"`
	Internal bool   `json:"internal"`
}

func (s *Server) operatorSend(c echo.Context) error {
	var req operatorSendRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	name := currentStaff(c).User.Name
	var m handoff.Message
	var err error
	if req.Internal {
		m, err = s.desk.Note(c.Request().Context(), name, c.Param("id"), req.Text)
	} else {
		m, err = s.desk.OperatorSend(c.Request().Context(), name, c.Param("id"), req.Text, req.ClientID)
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]any{"message": view(m)})
}

func (s *Server) transfer(c echo.Context) error {
	var req struct {
		To   string `json:"to"`
		Note string `json:"note"`
	}
	if err := bind(c, &req); err != nil {
		return err
	}
	if len(req.Note) > 1000 {
		return sportello.Errorf(sportello.EINVALID, "La nota è troppo lunga.")
	}
	if err := s.desk.Transfer(c.Request().Context(), currentStaff(c).User.Name, req.To, c.Param("id"), strings.TrimSpace(req.Note)); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]bool{"ok": true})
}

func (s *Server) closeChat(c echo.Context) error {
	var req struct {
		Outcome string `json:"outcome"`
	}
	if err := bind(c, &req); err != nil {
		return err
	}
	if err := s.desk.Close(c.Request().Context(), currentStaff(c).User.Name, c.Param("id"), req.Outcome); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]bool{"ok": true})
}

func (s *Server) setPresence(c echo.Context) error {
	var req struct {
		Status handoff.Presence `json:"status"`
	}
	if err := bind(c, &req); err != nil {
		return err
	}
	if err := s.desk.SetStatus(c.Request().Context(), currentStaff(c).User.Name, req.Status); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]bool{"ok": true})
}

// suggestion is a section of a scheda offered to the operator.
type suggestion struct {
	Card       string  `json:"card"`
	CardID     string  `json:"card_id"`
	Link       string  `json:"link,omitempty"`
	Heading    string  `json:"heading,omitempty"`
	Text       string  `json:"text"`
	HTML       string  `json:"html,omitempty"`
	Confidence float64 `json:"confidence"`
}

// assist returns the schede that best match the citizen's last messages
// in a chat, with the section that answers them.
func (s *Server) assist(c echo.Context) error {
	st := currentStaff(c)
	id := c.Param("id")
	if state, holder := s.desk.Live(id); st.User.Role != handoff.StaffAdmin && state != handoff.StateQueued && holder != st.User.Name {
		return sportello.Errorf(sportello.EFORBIDDEN, "Questa conversazione non è in coda né assegnata a te.")
	}
	ctx := c.Request().Context()
	msgs, err := s.store.Messages(ctx, id, 0, 5000)
	if err != nil {
		return err
	}
	var last []string
	for i := len(msgs) - 1; i >= 0 && len(last) < 3; i-- {
		if m := msgs[i]; m.Role == handoff.RoleCitizen && m.Text != "Vorrei parlare con un operatore." {
			last = append(last, m.Text)
		}
	}
	// The newest message leads: each message's own best schede, newest
	// first, three in all (joined, an old topic would drown a new one).
	out := []suggestion{}
	seen := map[string]bool{}
	for _, text := range last {
		sg, err := s.suggest(ctx, text)
		if err != nil {
			return err
		}
		for _, x := range sg {
			if !seen[x.CardID] && len(out) < 3 {
				seen[x.CardID] = true
				out = append(out, x)
			}
		}
	}
	return c.JSON(http.StatusOK, map[string]any{"suggestions": out})
}

// suggest ranks the schede for text and gives the best section of each
// of the first three.
func (s *Server) suggest(ctx context.Context, text string) ([]suggestion, error) {
	ans, err := s.assistant.Ask(ctx, text, assistant.Context{})
	if err != nil {
		return nil, err
	}
	out := []suggestion{}
	for i, r := range ans.Ranked {
		// A card that shares less than a third of the question's words
		// is noise beside a chat, not help.
		if i == 3 || r.Coverage < 0.34 {
			break
		}
		a, err := s.assistant.FromCard(ctx, r.CardID, text, assistant.Context{})
		if err != nil || a.Card == nil {
			continue
		}
		sg := suggestion{Card: a.Card.Title, CardID: a.Card.ID, Link: a.Card.Link, Text: a.Text}
		if i == 0 {
			sg.Confidence = ans.Confidence
		}
		if a.Section != nil {
			sg.Heading, sg.HTML, sg.Text = a.Section.Heading, a.Section.HTML, a.Section.Text
		}
		out = append(out, sg)
	}
	return out, nil
}

// pageFuncs are the helpers staff templates use.
var pageFuncs = template.FuncMap{
	"roleName": func(r handoff.StaffRole) string {
		switch r {
		case handoff.StaffAdmin:
			return "amministratore"
		case handoff.StaffRedattore:
			return "redattore"
		}
		return "operatore"
	},
	"displayName": func(u handoff.User) string {
		if u.DisplayName != "" {
			return u.DisplayName
		}
		return u.Name
	},
	"locked":    func(u handoff.User, now time.Time) bool { return u.LockedUntil.After(now) },
	"when":      func(t time.Time) string { return handoff.ItalianDay(t) },
	"hhmm":      func(t time.Time) string { return t.In(handoff.Rome()).Format("15:04") },
	"pctf":      pct,
	"join":      strings.Join,
	"html":      func(s string) template.HTML { return template.HTML(s) }, // sanitised by schede: raw HTML dropped, links checked
	"firstText": func(q questionView) string { return firstLine(q.Text, 80) },
	"minsf":     mins,
	"short":     func(s string) string { return firstLine(s, 140) },
	"roleLabel": func(r handoff.Role, author string, internal bool) string {
		switch {
		case internal:
			return "Nota interna"
		case r == handoff.RoleOperator && author != "":
			return author
		}
		return map[handoff.Role]string{handoff.RoleCitizen: "Cittadino", handoff.RoleAssistant: "Assistente virtuale", handoff.RoleOperator: "Operatore", handoff.RoleSystem: "Sistema"}[r]
	},
	"clock": func(t time.Time) string { return t.In(handoff.Rome()).Format("15:04") },
}
