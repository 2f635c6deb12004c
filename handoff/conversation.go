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
