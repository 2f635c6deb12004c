// Package handoff owns conversations and what happens to them: messages
// stored durably, the handover to operators, office hours and tickets.
// Persistence is bbolt; it knows nothing of HTTP or of search internals.
package handoff

import (
	"encoding/json"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sportello/sportello"
)

// Role says who wrote a message.
type Role string

// The authors of messages.
const (
	RoleCitizen   Role = "citizen"
	RoleAssistant Role = "assistant"
	RoleOperator  Role = "operator"
	RoleSystem    Role = "system"
)

// MaxTextLen is the longest message a citizen may send, in characters.
const MaxTextLen = 2000

// Conversation is one citizen's chat.
type Conversation struct {
	ID        string    `json:"id"`
	TokenHash []byte    `json:"token_hash"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	LastSeq   uint64    `json:"last_seq"`
	// Context is the assistant's memory of the conversation, opaque here.
	Context json.RawMessage `json:"context,omitempty"`
	// State says who answers: the assistant, or people (queued, assigned).
	State State `json:"state,omitempty"`
	// Operator holds the chat when State is assigned.
	Operator string `json:"operator,omitempty"`
	// QueuedAt is when the chat last joined the queue.
	QueuedAt time.Time `json:"queued_at,omitzero"`
	// Escalations records every hand-over and its reason, oldest first.
	Escalations []Escalation `json:"escalations,omitempty"`
}

// State is where a conversation stands with respect to people.
type State string

// The states of a conversation.
const (
	StateAssistant State = ""         // the assistant answers
	StateQueued    State = "queued"   // waiting for an operator
	StateAssigned  State = "assigned" // an operator holds it; the assistant is silent
)

// Reason says why a conversation went to people, or why it was offered a
// written request instead.
type Reason string

// Escalation reasons. The first four send a chat towards a person; the
// last three are why a person could not take it live.
const (
	ReasonLowConfidence    Reason = "low_confidence"
	ReasonNoMatch          Reason = "no_match"
	ReasonAskedPerson      Reason = "asked_person"
	ReasonNegativeFeedback Reason = "negative_feedback"
	ReasonClosed           Reason = "closed"
	ReasonNobodyOnline     Reason = "nobody_online"
	ReasonQueueTimeout     Reason = "queue_timeout"
)

// ReasonText is how the console names a reason.
var ReasonText = map[Reason]string{
	ReasonLowConfidence:    "risposta incerta",
	ReasonNoMatch:          "nessuna scheda adatta",
	ReasonAskedPerson:      "ha chiesto un operatore",
	ReasonNegativeFeedback: "risposte non utili",
	ReasonClosed:           "ufficio chiuso",
	ReasonNobodyOnline:     "nessun operatore collegato",
	ReasonQueueTimeout:     "attesa troppo lunga",
}

// Escalation is one hand-over: why, when, and what came of it
// ("queued", "ticket_offered"). Question, Answer, Card and Confidence
// are what the operator needs to see first.
type Escalation struct {
	At         time.Time `json:"at"`
	Reason     Reason    `json:"reason"`
	Outcome    string    `json:"outcome"`
	Question   string    `json:"question,omitempty"`
	Answer     string    `json:"answer,omitempty"`
	Card       string    `json:"card,omitempty"`
	Confidence float64   `json:"confidence,omitempty"`
}

// Message is one message of a conversation. Reply holds the assistant's
// structured answer, opaque to this package.
type Message struct {
	Seq       uint64          `json:"seq"`
	Role      Role            `json:"role"`
	Text      string          `json:"text"`
	ClientID  string          `json:"client_id,omitempty"`
	CreatedAt time.Time       `json:"created_at"`
	Reply     json.RawMessage `json:"reply,omitempty"`
	// Useful is the citizen's feedback on an assistant message.
	Useful *bool `json:"useful,omitempty"`
	// Author is the display name of the operator who wrote it.
	Author string `json:"author,omitempty"`
	// Internal messages (operators' notes) are never shown to citizens.
	Internal bool `json:"internal,omitempty"`
	// Offer, on a system message, is what the citizen may do next:
	// "ticket" (leave a written request).
	Offer string `json:"offer,omitempty"`
}

// ValidateText checks a citizen's message and returns it trimmed.
func ValidateText(text string) (string, error) {
	if !utf8.ValidString(text) {
		return "", sportello.Errorf(sportello.EINVALID, "Il messaggio contiene caratteri non validi.")
	}
	text = strings.TrimSpace(text)
	if text == "" {
		return "", sportello.Errorf(sportello.EINVALID, "Il messaggio è vuoto: scrivi la tua domanda.")
	}
	if n := utf8.RuneCountInString(text); n > MaxTextLen {
		return "", sportello.Errorf(sportello.EINVALID, "Il messaggio è troppo lungo (%d caratteri): il massimo è %d.", n, MaxTextLen)
	}
	return text, nil
}

// ValidateClientID checks the optional idempotency key of a send.
func ValidateClientID(id string) error {
	if len(id) > 64 {
		return sportello.Errorf(sportello.EINVALID, "Identificativo del messaggio non valido.")
	}
	for _, r := range id {
		if !(r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return sportello.Errorf(sportello.EINVALID, "Identificativo del messaggio non valido.")
		}
	}
	return nil
}
