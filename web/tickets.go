package web

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/sportello/sportello/assistant"
	"github.com/sportello/sportello/handoff"
)

// services are the choices of the request form: the URP first, then the
// schede by title.
func (s *Server) services() []string {
	out := []string{handoff.DefaultService}
	if set := s.cards(); set != nil {
		for _, c := range set.Published() {
			if !slices.Contains(out, c.Title) {
				out = append(out, c.Title)
			}
		}
	}
	slices.Sort(out[1:])
	return out
}

// ticketForm gives the widget what the request form needs: the services,
// the one under discussion preselected, the unanswered question prefilled.
func (s *Server) ticketForm(c echo.Context) error {
	conv, err := s.conversation(c, "")
	if err != nil {
		return err
	}
	service := handoff.DefaultService
	var cc assistant.Context
	if len(conv.Context) > 0 && json.Unmarshal(conv.Context, &cc) == nil && cc.CardID != "" {
		if card := s.assistant.Card(cc.CardID); card != nil {
			service = card.Title
		}
	}
	text := ""
	if n := len(conv.Escalations); n > 0 {
		text = conv.Escalations[n-1].Question
	}
	if text == "" {
		msgs, err := s.store.Messages(c.Request().Context(), conv.ID, 0, 5000)
		if err != nil {
			return err
		}
		for i := len(msgs) - 1; i >= 0; i-- {
			if msgs[i].Role == handoff.RoleCitizen && msgs[i].Text != "Vorrei parlare con un operatore." {
				text = msgs[i].Text
				break
			}
		}
	}
	if r := []rune(text); len(r) > handoff.MaxTicketText {
		text = string(r[:handoff.MaxTicketText])
	}
	return c.JSON(http.StatusOK, map[string]any{
		"services": s.services(), "service": service, "text": text,
		"privacy_url": s.opts.Widget.PrivacyURL, "max_text": handoff.MaxTicketText,
	})
}

// emailAttempt applies the limits of what sends email to a citizen
// (requests, transcripts): three a minute per address, counting only
// those that succeed (a citizen fixing a form is not a flood; the caller
// counts them), and at most 30 attempts; then authenticates the chat.
func (s *Server) emailAttempt(c echo.Context) (string, handoff.Conversation, error) {
	ip := c.RealIP()
	if ok, wait := s.ticketLimit.check(ip); !ok {
		return ip, handoff.Conversation{}, errRateLimited(wait)
	}
	if ok, wait := s.ticketTries.allow(ip); !ok {
		return ip, handoff.Conversation{}, errRateLimited(wait)
	}
	conv, err := s.conversation(c, "")
	return ip, conv, err
}

// createTicket turns the chat into a written request.
func (s *Server) createTicket(c echo.Context) error {
	ip, conv, err := s.emailAttempt(c)
	if err != nil {
		return err
	}
	var req handoff.TicketRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	ctx := c.Request().Context()
	tk, token, err := s.tickets.Create(ctx, conv.ID, req)
	if err != nil {
		return err
	}
	s.ticketLimit.allow(ip)
	if err := s.desk.TicketCreated(ctx, conv.ID, tk.Number, tk.Email); err != nil {
		// The ticket and its email are stored; only the chat note failed.
		s.log.Error("ticket note in chat", "ticket", tk.Number, "err", err)
	}
	return c.JSON(http.StatusCreated, map[string]string{
		"number": tk.Number, "status_url": s.tickets.StatusURL(token),
		"when": s.desk.Calendar.Sentence(s.desk.Now()),
	})
}

// ticketStatus is the citizen's status page: the link is the key, the
// number alone opens nothing.
func (s *Server) ticketStatus(c echo.Context) error {
	tk, err := s.tickets.ByToken(c.Request().Context(), c.Param("token"))
	c.Response().Header().Set("Cache-Control", "no-store")
	c.Response().Header().Set("X-Robots-Tag", "noindex")
	if err != nil {
		return s.render(c, http.StatusNotFound, "status.html", map[string]any{"Title": "Richiesta non trovata"})
	}
	return s.render(c, http.StatusOK, "status.html", map[string]any{
		"Title": "Richiesta " + tk.Number, "Ticket": tk, "State": handoff.TicketStateText[tk.State],
		"Steps": statusSteps(tk.State),
	})
}

// statusStep is one step of the progress shown on the status page.
type statusStep struct {
	Label         string
	Done, Current bool
}

func statusSteps(st handoff.TicketState) []statusStep {
	order := []handoff.TicketState{handoff.TicketReceived, handoff.TicketInProgress, handoff.TicketAnswered, handoff.TicketClosed}
	at := slices.Index(order, st)
	out := make([]statusStep, len(order))
	for i, o := range order {
		out[i] = statusStep{Label: handoff.TicketStateText[o], Done: i <= at, Current: i == at}
	}
	return out
}

// firstLine shortens a text for lists.
func firstLine(s string, n int) string {
	s, _, _ = strings.Cut(s, "\n")
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// sendTranscript emails the chat to the citizen (offered when an
// operator closes it).
func (s *Server) sendTranscript(c echo.Context) error {
	ip, conv, err := s.emailAttempt(c)
	if err != nil {
		return err
	}
	var req struct {
		Email   string `json:"email"`
		Consent bool   `json:"consent"`
	}
	if err := bind(c, &req); err != nil {
		return err
	}
	if err := s.tickets.SendTranscript(c.Request().Context(), conv.ID, req.Email, req.Consent); err != nil {
		return err
	}
	s.ticketLimit.allow(ip)
	return c.JSON(http.StatusAccepted, map[string]bool{"ok": true})
}
