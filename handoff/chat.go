package handoff

import (
	"context"
	"encoding/json"
	"fmt"
)

// Reply is the assistant's answer as the chat needs it: the text, what
// was decided (for escalation), the structured answer to show, and the
// conversation context to keep.
type Reply struct {
	Text     string
	Decision string
	Reason   string
	Data     json.RawMessage
	Context  json.RawMessage
}

// Answerer is what the chat needs of the assistant. cardID, when set,
// asks for an answer from that card (the citizen picked it among
// options).
type Answerer interface {
	Answer(ctx context.Context, text string, convContext json.RawMessage, cardID string) (Reply, error)
}

// Chat runs a conversation: it stores what the citizen writes before
// anything else, asks the assistant, stores and pushes the reply.
type Chat struct {
	Store    *Store
	Answerer Answerer
	Hub      *Hub
}

// Send handles one citizen message and returns the stored message and
// the reply. A retry with the same clientID returns what was stored the
// first time; if the reply was lost (a crash between the two writes), it
// is produced now.
func (c *Chat) Send(ctx context.Context, conv Conversation, text, clientID, cardID string) ([]Message, error) {
	text, err := ValidateText(text)
	if err != nil {
		return nil, err
	}
	if err := ValidateClientID(clientID); err != nil {
		return nil, err
	}
	stored, created, err := c.Store.Append(ctx, conv.ID, []Message{{Role: RoleCitizen, Text: text, ClientID: clientID}}, nil)
	if err != nil {
		return nil, err
	}
	if !created && len(stored) > 1 {
		return stored, nil
	}
	citizen := stored[0]
	if created {
		c.Hub.Publish(conv.ID, Event{Type: "message", Message: &citizen})
	}
	reply, err := c.Answerer.Answer(ctx, citizen.Text, conv.Context, cardID)
	if err != nil {
		return []Message{citizen}, fmt.Errorf("answer in %s: %w", conv.ID, err)
	}
	out, _, err := c.Store.Append(ctx, conv.ID, []Message{{Role: RoleAssistant, Text: reply.Text, Reply: reply.Data}}, reply.Context)
	if err != nil {
		return []Message{citizen}, err
	}
	c.Hub.Publish(conv.ID, Event{Type: "message", Message: &out[0]})
	return []Message{citizen, out[0]}, nil
}
