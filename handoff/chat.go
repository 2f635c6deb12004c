package handoff

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
)

// Reply is the assistant's answer as the chat needs it: the text, what
// was decided (for escalation), the structured answer to show, and the
// conversation context to keep.
type Reply struct {
	Text     string
	Decision string
	Reason   string
	// Card is the title of the card answered from, or of the closest
	// one when the assistant was not sure; Confidence is its confidence.
	Card       string
	CardID     string
	Confidence float64
	Data       json.RawMessage
	Context    json.RawMessage
}

// Answerer is what the chat needs of the assistant. cardID, when set,
// asks for an answer from that card (the citizen picked it among
// options).
type Answerer interface {
	Answer(ctx context.Context, text string, convContext json.RawMessage, cardID string) (Reply, error)
}

// Chat runs a conversation: it stores what the citizen writes before
// anything else, then either lets the operator holding the chat answer,
// or asks the assistant, stores and pushes the reply, and escalates to
// the desk when the assistant hands over.
type Chat struct {
	Store    *Store
	Answerer Answerer
	Desk     *Desk
	// Events records each decision for the statistics (may be nil).
	Events *Recorder
	// Unanswered keeps the questions the assistant could not answer, for
	// the editors (may be nil).
	Unanswered *Unanswered
	// clarified holds, per conversation, the question last answered
	// with a choice of schede, until the citizen's next message; it is
	// bounded (forgetting some costs only a statistic).
	mu        sync.Mutex
	clarified map[string]string
}

// lastClarified returns and forgets the question of convID last answered
// with a choice, and remembers text when it is one now.
func (c *Chat) lastClarified(convID, text string, isClarify bool) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	prev, ok := c.clarified[convID]
	delete(c.clarified, convID)
	if isClarify {
		if c.clarified == nil || len(c.clarified) > 10000 {
			c.clarified = map[string]string{}
		}
		c.clarified[convID] = text
	}
	return prev, ok
}

// Send handles one citizen message and returns the stored message and
// the reply (none when an operator holds the chat). A retry with the same
// clientID returns what was stored the first time; if the reply was lost
// (a crash between the two writes), it is produced now.
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
		c.Desk.deliver(conv.ID, citizen)
	}
	state, _ := c.Desk.Live(conv.ID)
	if state == StateAssigned {
		return []Message{citizen}, nil // the operator answers; the assistant is silent
	}
	// The context may have moved on since conv was read.
	if cur, err := c.Store.Conversation(ctx, conv.ID); err == nil {
		conv = cur
	}
	reply, err := c.Answerer.Answer(ctx, citizen.Text, conv.Context, cardID)
	if err != nil {
		return []Message{citizen}, fmt.Errorf("answer in %s: %w", conv.ID, err)
	}
	c.Events.Record(StatEvent{Kind: EvQuestion, Decision: DecisionCode[reply.Decision], Card: reply.CardID, Value: int32(reply.Confidence * 1000)})
	c.Unanswered.Consider(ctx, citizen.Text, reply)
	if prev, ok := c.lastClarified(conv.ID, citizen.Text, reply.Decision == "clarify"); ok && cardID == "" {
		c.Unanswered.Ignored(ctx, prev)
	}
	if reply.Decision == "handoff" && state == StateQueued {
		// Already waiting for a person: a second hand-over text would
		// only confuse; the position notice says where they are.
		return []Message{citizen}, nil
	}
	out, _, err := c.Store.Append(ctx, conv.ID, []Message{{Role: RoleAssistant, Text: reply.Text, Reply: reply.Data}}, reply.Context)
	if err != nil {
		return []Message{citizen}, err
	}
	c.Desk.deliver(conv.ID, out[0])
	if reply.Decision == "handoff" {
		reason := Reason(reply.Reason)
		if reason != ReasonAskedPerson && reason != ReasonLowConfidence {
			reason = ReasonNoMatch
		}
		e := Escalation{Reason: reason, Question: citizen.Text}
		if reply.Confidence >= minShownConfidence {
			e.Card, e.Confidence = reply.Card, reply.Confidence
		}
		err := c.Desk.Escalate(ctx, conv.ID, e)
		if err != nil {
			return []Message{citizen, out[0]}, err
		}
	}
	return []Message{citizen, out[0]}, nil
}

// minShownConfidence: below it the closest card is noise, not a lead, and
// operators are not shown it.
const minShownConfidence = 0.2

// Feedback records whether an assistant answer was useful. Two "not
// useful" in a row send the chat to a person.
func (c *Chat) Feedback(ctx context.Context, conv Conversation, seq uint64, useful bool) (Message, error) {
	m, err := c.Store.SetFeedback(ctx, conv.ID, seq, useful)
	if err != nil {
		return m, err
	}
	var shown struct {
		Card *struct {
			ID    string `json:"id"`
			Title string `json:"title"`
		} `json:"card"`
	}
	_ = json.Unmarshal(m.Reply, &shown)
	fe := StatEvent{Kind: EvFeedback, Value: map[bool]int32{true: 1, false: 0}[useful]}
	if shown.Card != nil {
		fe.Card = shown.Card.ID
	}
	c.Events.Record(fe)
	if useful {
		return m, nil
	}
	c.Unanswered.NotUseful(ctx, conv.ID, seq, shown.Card)
	last, err := c.Store.Messages(ctx, conv.ID, 0, 10000)
	if err != nil {
		return m, err
	}
	var rated []Message
	for i := len(last) - 1; i >= 0 && len(rated) < 2; i-- {
		if last[i].Role == RoleAssistant && last[i].Useful != nil {
			rated = append(rated, last[i])
		}
	}
	if len(rated) == 2 && !*rated[0].Useful && !*rated[1].Useful {
		e := Escalation{Reason: ReasonNegativeFeedback, Answer: rated[0].Text}
		for i := len(last) - 1; i >= 0; i-- {
			if last[i].Role == RoleCitizen && last[i].Seq < rated[0].Seq {
				e.Question = last[i].Text
				break
			}
		}
		return m, c.Desk.Escalate(ctx, conv.ID, e)
	}
	return m, nil
}

// AskPerson is the citizen's "talk to an operator" button: it is written
// in the chat as their request and escalates whatever the assistant would
// say. Already waiting or with an operator, nothing changes.
func (c *Chat) AskPerson(ctx context.Context, conv Conversation) error {
	if state, _ := c.Desk.Live(conv.ID); state != StateAssistant {
		return nil
	}
	prev, err := c.Store.Messages(ctx, conv.ID, 0, 10000)
	if err != nil {
		return err
	}
	e := Escalation{Reason: ReasonAskedPerson}
	for i := len(prev) - 1; i >= 0; i-- {
		m := prev[i]
		if m.Role == RoleAssistant && e.Answer == "" && e.Question == "" {
			e.Answer = m.Text
			var r struct {
				Confidence float64 `json:"confidence"`
				Card       *struct {
					Title string `json:"title"`
				} `json:"card"`
			}
			if json.Unmarshal(m.Reply, &r) == nil {
				e.Confidence = r.Confidence
				if r.Card != nil {
					e.Card = r.Card.Title
				}
			}
		}
		if m.Role == RoleCitizen {
			e.Question = m.Text
			break
		}
	}
	out, _, err := c.Store.Append(ctx, conv.ID, []Message{{Role: RoleCitizen, Text: "Vorrei parlare con un operatore."}}, nil)
	if err != nil {
		return err
	}
	c.Desk.deliver(conv.ID, out[0])
	return c.Desk.Escalate(ctx, conv.ID, e)
}
