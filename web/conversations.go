package web

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/sportello/sportello"
	"github.com/sportello/sportello/handoff"
)

// messageView is a message as API clients see it: the assistant's answer
// under "reply", with the citizen's feedback in it.
type messageView struct {
	Seq       uint64          `json:"seq"`
	Role      handoff.Role    `json:"role"`
	Text      string          `json:"text"`
	ClientID  string          `json:"client_id,omitempty"`
	CreatedAt time.Time       `json:"created_at"`
	Reply     json.RawMessage `json:"reply,omitempty"`
	// Author is the operator's display name.
	Author string `json:"author,omitempty"`
	// Internal notes reach consoles only.
	Internal bool `json:"internal,omitempty"`
	// Offer is what the citizen may do next ("ticket").
	Offer string `json:"offer,omitempty"`
}

func view(m handoff.Message) messageView {
	v := messageView{Seq: m.Seq, Role: m.Role, Text: m.Text, ClientID: m.ClientID, CreatedAt: m.CreatedAt, Reply: m.Reply,
		Author: m.Author, Internal: m.Internal, Offer: m.Offer}
	if len(m.Reply) > 0 && m.Useful != nil {
		var r map[string]any
		if json.Unmarshal(m.Reply, &r) == nil {
			r["feedback"] = *m.Useful
			if b, err := json.Marshal(r); err == nil {
				v.Reply = b
			}
		}
	}
	return v
}

// citizenViews are the messages a citizen may see: operators' internal
// notes left out.
func citizenViews(ms []handoff.Message) []messageView {
	out := make([]messageView, 0, len(ms))
	for _, m := range ms {
		if !m.Internal {
			out = append(out, view(m))
		}
	}
	return out
}

// bind decodes a JSON body strictly: unknown fields are an error, so a
// client's typo does not pass silently.
func bind(c echo.Context, v any) error {
	ct := c.Request().Header.Get(echo.HeaderContentType)
	if ct != "" && !strings.HasPrefix(ct, echo.MIMEApplicationJSON) && !strings.HasPrefix(ct, echo.MIMETextPlain) {
		return echo.NewHTTPError(http.StatusUnsupportedMediaType)
	}
	body, err := io.ReadAll(c.Request().Body)
	if err != nil {
		if strings.Contains(err.Error(), "http: request body too large") {
			return echo.NewHTTPError(http.StatusRequestEntityTooLarge)
		}
		return sportello.Errorf(sportello.EINVALID, "Richiesta interrotta: riprova.")
	}
	if !utf8.Valid(body) {
		return sportello.Errorf(sportello.EINVALID, "Il messaggio contiene caratteri non validi.")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil || dec.More() {
		return sportello.Errorf(sportello.EINVALID, "Richiesta non valida: il corpo deve essere un oggetto JSON con i campi previsti.")
	}
	return nil
}

// conversation authenticates the request's bearer token against the
// conversation in the path.
func (s *Server) conversation(c echo.Context, token string) (handoff.Conversation, error) {
	if token == "" {
		auth := c.Request().Header.Get("Authorization")
		var ok bool
		token, ok = strings.CutPrefix(auth, "Bearer ")
		if !ok || token == "" {
			return handoff.Conversation{}, sportello.Errorf(sportello.EUNAUTHORIZED, "Manca il codice della conversazione: iniziane una nuova.")
		}
	}
	return s.store.Authenticate(c.Request().Context(), c.Param("id"), token)
}

func (s *Server) createConversation(c echo.Context) error {
	if ok, wait := s.createLimit.allow(c.RealIP()); !ok {
		return errRateLimited(wait)
	}
	if c.Request().ContentLength > 0 {
		var empty struct{}
		if err := bind(c, &empty); err != nil {
			return err
		}
	}
	conv, token, err := s.store.CreateConversation(c.Request().Context())
	if err != nil {
		return err
	}
	s.events.Record(handoff.StatEvent{Kind: handoff.EvConversation})
	return c.JSON(http.StatusCreated, map[string]string{"id": conv.ID, "token": token})
}

type sendRequest struct {
	Text     string `json:"text"`
	ClientID string `json:"client_id"`
	CardID   string `json:"card_id"`
}

// send applies the rate limits and hands the message to the chat.
func (s *Server) send(c echo.Context, conv handoff.Conversation, req sendRequest) ([]handoff.Message, error) {
	if ok, wait := s.ipLimit.allow(c.RealIP()); !ok {
		return nil, errRateLimited(wait)
	}
	if ok, wait := s.convLimit.allow(conv.ID); !ok {
		return nil, errRateLimited(wait)
	}
	return s.chat.Send(c.Request().Context(), conv, req.Text, req.ClientID, req.CardID)
}

func (s *Server) postMessage(c echo.Context) error {
	conv, err := s.conversation(c, "")
	if err != nil {
		return err
	}
	var req sendRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	msgs, err := s.send(c, conv, req)
	if err != nil {
		return err
	}
	resp := struct {
		Message messageView  `json:"message"`
		Reply   *messageView `json:"reply"`
	}{Message: view(msgs[0])}
	if len(msgs) > 1 {
		r := view(msgs[1])
		resp.Reply = &r
	}
	return c.JSON(http.StatusCreated, resp)
}

func (s *Server) listMessages(c echo.Context) error {
	conv, err := s.conversation(c, "")
	if err != nil {
		return err
	}
	after, err := parseAfter(c.QueryParam("after"))
	if err != nil {
		return err
	}
	msgs, err := s.store.Messages(c.Request().Context(), conv.ID, after, 500)
	if err != nil {
		return err
	}
	state, _ := s.desk.Live(conv.ID)
	if state == handoff.StateAssistant {
		state = "assistant"
	}
	return c.JSON(http.StatusOK, map[string]any{"messages": citizenViews(msgs), "state": state})
}

func parseAfter(q string) (uint64, error) {
	if q == "" {
		return 0, nil
	}
	n, err := strconv.ParseUint(q, 10, 64)
	if err != nil {
		return 0, sportello.Errorf(sportello.EINVALID, "Il parametro after deve essere un numero.")
	}
	return n, nil
}

func (s *Server) postFeedback(c echo.Context) error {
	conv, err := s.conversation(c, "")
	if err != nil {
		return err
	}
	var req struct {
		Seq    uint64 `json:"seq"`
		Useful *bool  `json:"useful"`
	}
	if err := bind(c, &req); err != nil {
		return err
	}
	if req.Seq == 0 || req.Useful == nil {
		return sportello.Errorf(sportello.EINVALID, "Indica il messaggio (seq) e se la risposta è stata utile (useful).")
	}
	m, err := s.chat.Feedback(c.Request().Context(), conv, req.Seq, *req.Useful)
	if err != nil {
		return err
	}
	v := view(m)
	return c.JSON(http.StatusOK, map[string]any{"ok": true, "message": v})
}

// leaveQueue takes the citizen out of the operators' queue.
func (s *Server) leaveQueue(c echo.Context) error {
	conv, err := s.conversation(c, "")
	if err != nil {
		return err
	}
	if err := s.desk.Leave(c.Request().Context(), conv.ID); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]bool{"ok": true})
}

// askPerson is the "Parla con un operatore" button: the chat goes to a
// person whatever the assistant thinks.
func (s *Server) askPerson(c echo.Context) error {
	conv, err := s.conversation(c, "")
	if err != nil {
		return err
	}
	if c.Request().ContentLength > 0 {
		var empty struct{}
		if err := bind(c, &empty); err != nil {
			return err
		}
	}
	if err := s.chat.AskPerson(c.Request().Context(), conv); err != nil {
		return err
	}
	state, _ := s.desk.Live(conv.ID)
	return c.JSON(http.StatusOK, map[string]string{"state": string(state)})
}

func (s *Server) widgetConfig(c echo.Context) error {
	w := s.opts.Widget
	return c.JSON(http.StatusOK, map[string]string{
		"comune": s.opts.Comune, "title": w.Title, "color": w.Color, "welcome": w.Welcome, "privacy_url": w.PrivacyURL,
	})
}

func (s *Server) healthz(c echo.Context) error {
	n := 0
	if set := s.cards(); set != nil {
		n = len(set.Published())
	}
	return c.JSON(http.StatusOK, map[string]any{"status": "ok", "schede": n})
}
