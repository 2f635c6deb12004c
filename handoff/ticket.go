package handoff

import (
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/sportello/sportello"
)

// TicketState is where a written request stands.
type TicketState string

// The states a citizen sees on the status page.
const (
	TicketReceived   TicketState = "ricevuta"
	TicketInProgress TicketState = "in_lavorazione"
	TicketAnswered   TicketState = "risposta_inviata"
	TicketClosed     TicketState = "chiusa"
)

// TicketStateText names a state for people.
var TicketStateText = map[TicketState]string{
	TicketReceived:   "Ricevuta",
	TicketInProgress: "In lavorazione",
	TicketAnswered:   "Risposta inviata",
	TicketClosed:     "Chiusa",
}

// DefaultService is the service of a request that names none.
const DefaultService = "Relazioni con il pubblico"

// MaxTicketText is the longest request, in characters.
const MaxTicketText = 600

// TicketRequest is what a citizen fills in.
type TicketRequest struct {
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	Email     string `json:"email"`
	Phone     string `json:"phone"`
	Service   string `json:"service"`
	Text      string `json:"text"`
	Consent   *bool  `json:"consent"`
}

// Ticket is a written request and what operators did with it.
type Ticket struct {
	Seq       uint64      `json:"seq"`
	Number    string      `json:"number"` // URP-2026-000123: readable, never enough to open it
	TokenHash []byte      `json:"token_hash"`
	ConvID    string      `json:"conversation,omitempty"`
	FirstName string      `json:"first_name"`
	LastName  string      `json:"last_name"`
	Email     string      `json:"email"`
	Phone     string      `json:"phone,omitempty"`
	Service   string      `json:"service"`
	Text      string      `json:"text"`
	State     TicketState `json:"state"`
	CreatedAt time.Time   `json:"created_at"`
	DueAt     time.Time   `json:"due_at"`
	UpdatedAt time.Time   `json:"updated_at"`
	// Assignee is the operator working on it.
	Assignee string `json:"assignee,omitempty"`
	// Reply is the answer sent to the citizen, shown on the status page.
	Reply     string    `json:"reply,omitempty"`
	RepliedBy string    `json:"replied_by,omitempty"`
	RepliedAt time.Time `json:"replied_at,omitzero"`
	Notes     []Note    `json:"notes,omitempty"`
	// Transcript is the chat the request came from, kept with it (the
	// chat itself may be deleted by retention first).
	Transcript []Message `json:"transcript,omitempty"`
	// Emails are the Message-IDs of the emails it caused.
	Emails []string `json:"emails,omitempty"`
	// ErasedAt is when the citizen's data was erased at their request
	// (privacy.go): the request stays as a record, without them.
	ErasedAt time.Time `json:"erased_at,omitzero"`
}

// Note is an operators' internal note on a ticket.
type Note struct {
	At     time.Time `json:"at"`
	Author string    `json:"author"`
	Text   string    `json:"text"`
}

// Overdue reports whether a request still waits for its answer past its
// due date.
func (t Ticket) Overdue(now time.Time) bool {
	return (t.State == TicketReceived || t.State == TicketInProgress) && now.After(t.DueAt)
}

// Validate checks every field and reports each problem under its JSON
// name, in Italian; it returns the request cleaned up.
func (r TicketRequest) Validate() (TicketRequest, error) {
	fields := map[string]string{}
	clean := func(name, v string, max int, required bool, label string) string {
		if !utf8.ValidString(v) {
			fields[name] = label + ": contiene caratteri non validi."
			return ""
		}
		if strings.ContainsAny(v, "\r\n") || strings.ContainsFunc(v, func(r rune) bool { return unicode.IsControl(r) }) {
			fields[name] = label + ": non può contenere a capo o caratteri di controllo."
			return ""
		}
		v = strings.TrimSpace(v)
		switch {
		case v == "" && required:
			fields[name] = label + ": campo obbligatorio."
		case utf8.RuneCountInString(v) > max:
			fields[name] = fmt.Sprintf("%s: al massimo %d caratteri.", label, max)
		}
		return v
	}
	out := TicketRequest{Consent: r.Consent}
	out.FirstName = clean("first_name", r.FirstName, 60, true, "Nome")
	out.LastName = clean("last_name", r.LastName, 60, true, "Cognome")
	out.Email = clean("email", r.Email, 254, true, "Email")
	out.Phone = clean("phone", r.Phone, 30, false, "Telefono")
	out.Service = clean("service", r.Service, 120, false, "Servizio")
	if out.Service == "" && fields["service"] == "" {
		out.Service = DefaultService
	}
	if _, bad := fields["email"]; !bad && !validEmail(out.Email) {
		fields["email"] = "Email: scrivi un indirizzo valido, come nome@esempio.it."
	}
	if _, bad := fields["phone"]; !bad && out.Phone != "" && !validPhone(out.Phone) {
		fields["phone"] = "Telefono: usa solo cifre, spazi e il prefisso +39 se serve."
	}
	text := r.Text
	if !utf8.ValidString(text) {
		fields["text"] = "Testo: contiene caratteri non validi."
	} else {
		text = strings.TrimSpace(strings.ReplaceAll(text, "\r\n", "\n"))
		switch n := utf8.RuneCountInString(text); {
		case n == 0:
			fields["text"] = "Testo: scrivi la tua richiesta."
		case n > MaxTicketText:
			fields["text"] = fmt.Sprintf("Testo: al massimo %d caratteri (ora sono %d).", MaxTicketText, n)
		}
	}
	out.Text = text
	if r.Consent == nil || !*r.Consent {
		fields["consent"] = "Privacy: per inviare la richiesta serve il consenso al trattamento dei dati."
	}
	if len(fields) > 0 {
		e := sportello.Errorf(sportello.EINVALID, "Controlla i campi segnalati.")
		e.Fields = fields
		return out, e
	}
	return out, nil
}

// validEmail accepts one plain address (no display name, no list) with a
// dotted domain.
func validEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	domain := s[at+1:]
	return at > 0 && strings.Contains(domain, ".") && !strings.HasPrefix(domain, ".") && !strings.HasSuffix(domain, ".") && !strings.ContainsAny(s, " <>,;\"")
}

func validPhone(s string) bool {
	digits := 0
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == ' ' || r == '-' || r == '/' || r == '.':
		case r == '+' && i == 0:
		default:
			return false
		}
	}
	return digits >= 6 && digits <= 15
}
