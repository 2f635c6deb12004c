package web

import (
	"context"
	"encoding/json"

	"github.com/sportello/sportello/assistant"
	"github.com/sportello/sportello/handoff"
)

// answerer adapts the assistant to what the chat needs.
type answerer struct{ a *assistant.Assistant }

func (an *answerer) Answer(ctx context.Context, text string, raw json.RawMessage, cardID string) (handoff.Reply, error) {
	var cc assistant.Context
	if len(raw) > 0 {
		_ = json.Unmarshal(raw, &cc) // a context we cannot read is no context
	}
	var ans assistant.Answer
	var err error
	if cardID != "" {
		ans, err = an.a.FromCard(ctx, cardID, text, cc)
	} else {
		ans, err = an.a.Ask(ctx, text, cc)
	}
	if err != nil {
		return handoff.Reply{}, err
	}
	data, err := json.Marshal(ans)
	if err != nil {
		return handoff.Reply{}, err
	}
	next, err := json.Marshal(ans.Next(cc))
	if err != nil {
		return handoff.Reply{}, err
	}
	r := handoff.Reply{Text: ans.Text, Decision: string(ans.Decision), Reason: string(ans.Reason), Confidence: ans.Confidence, Data: data, Context: next}
	switch {
	case ans.Card != nil:
		r.Card, r.CardID = ans.Card.Title, ans.Card.ID
	case len(ans.Ranked) > 0:
		if c := an.a.Card(ans.Ranked[0].CardID); c != nil {
			r.Card = c.Title
		}
	}
	return r, nil
}
