package handoff

import (
	"context"
	"fmt"

	"github.com/sportello/sportello"
)

// errNotHolder is what an operator gets acting on a chat that is not
// theirs (any more).
var errNotHolder = sportello.Errorf(sportello.ECONFLICT, "Questa conversazione non è assegnata a te.")

// holderLocked returns the operator record of opName if they hold convID.
func (d *Desk) holderLocked(opName, convID string) (*operator, error) {
	if d.held[convID] != opName {
		return nil, errNotHolder
	}
	return d.ops[opName], nil
}

// OperatorSend stores an operator's message in a chat they hold and
// pushes it to the citizen. A retry with the same clientID is stored once.
func (d *Desk) OperatorSend(ctx context.Context, opName, convID, text, clientID string) (Message, error) {
	if err := ValidateClientID(clientID); err != nil {
		return Message{}, err
	}
	m, created, err := d.operatorWrite(ctx, opName, convID, Message{Role: RoleOperator, Text: text, ClientID: clientID})
	if err != nil || !created {
		return m, err
	}
	d.mu.Lock()
	if since, ok := d.awaiting[convID]; ok {
		delete(d.awaiting, convID)
		d.Events.Record(StatEvent{Kind: EvFirstResponse, Value: int32(d.Now().Sub(since).Seconds())})
	}
	d.mu.Unlock()
	d.deliver(convID, m)
	return m, nil
}

// Note stores an internal note on a held chat: operators see it, the
// citizen never does.
func (d *Desk) Note(ctx context.Context, opName, convID, text string) (Message, error) {
	m, _, err := d.operatorWrite(ctx, opName, convID, Message{Role: RoleSystem, Text: text, Internal: true})
	if err != nil {
		return Message{}, err
	}
	d.deliver(convID, m)
	return m, nil
}

// operatorWrite checks the text and that opName holds the chat, then
// stores m signed with the operator's name.
func (d *Desk) operatorWrite(ctx context.Context, opName, convID string, m Message) (Message, bool, error) {
	text, err := ValidateText(m.Text)
	if err != nil {
		return Message{}, false, err
	}
	d.mu.Lock()
	op, err := d.holderLocked(opName, convID)
	d.mu.Unlock()
	if err != nil {
		return Message{}, false, err
	}
	m.Text, m.Author = text, op.display
	out, created, err := d.Store.Append(ctx, convID, []Message{m}, nil)
	if err != nil {
		return Message{}, false, err
	}
	return out[0], created, nil
}

// Typing tells the other side someone is writing. from is "citizen" or an
// operator's name.
func (d *Desk) Typing(convID, from string) {
	d.mu.Lock()
	holder := d.held[convID]
	var display string
	if op := d.ops[from]; op != nil {
		display = op.display
	}
	d.mu.Unlock()
	switch {
	case holder == "":
	case from == "citizen":
		d.Hub.Publish(OperatorTopic(holder), Event{Type: "event", Conversation: convID, Event: &Notice{Kind: "typing"}})
	case from == holder:
		d.notify(convID, Notice{Kind: "typing", Who: display})
	}
}

// Transfer hands a held chat to another online operator with a note the
// citizen does not see.
func (d *Desk) Transfer(ctx context.Context, from, to, convID, note string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	src, err := d.holderLocked(from, convID)
	if err != nil {
		return err
	}
	dst := d.ops[to]
	if to == from || dst == nil || dst.status != Online {
		return sportello.Errorf(sportello.ECONFLICT, "Si può trasferire solo a un collega in linea.")
	}
	if len(dst.chats) >= d.MaxChats {
		return sportello.Errorf(sportello.ECONFLICT, "%s ha già %d conversazioni aperte.", dst.display, d.MaxChats)
	}
	internal := fmt.Sprintf("Trasferita da %s a %s.", src.display, dst.display)
	if note != "" {
		internal += " Nota: " + note
	}
	_, msgs, err := d.Store.Update(ctx, convID, func(c *Conversation) error {
		c.Operator = to
		return nil
	}, Message{Role: RoleSystem, Text: internal, Internal: true},
		Message{Role: RoleSystem, Text: "Ti passo a un collega: " + dst.display + "."})
	if err != nil {
		return err
	}
	delete(src.chats, convID)
	delete(src.since, convID)
	d.held[convID] = to
	dst.chats[convID] = true
	dst.since[convID] = d.Now()
	d.Hub.Publish(OperatorTopic(from), Event{Type: "released", Conversation: convID})
	d.Hub.Publish(OperatorTopic(to), Event{Type: "assigned", Conversation: convID})
	d.Hub.Publish(DeskTopic, Event{Type: "queue"})
	d.deliverLocked(convID, msgs...)
	return nil
}

// Outcomes an operator may close a chat with.
var Outcomes = map[string]string{
	"risolta":        "Risolta",
	"richiesta":      "Serve una richiesta scritta",
	"altro_ente":     "Di competenza di un altro ente",
	"abbandonata":    "Il cittadino non ha risposto",
	"non_pertinente": "Non pertinente",
}

// Close ends a held chat with an outcome. The assistant answers again if
// the citizen writes after it.
func (d *Desk) Close(ctx context.Context, opName, convID, outcome string) error {
	if _, ok := Outcomes[outcome]; !ok {
		return sportello.Errorf(sportello.EINVALID, "Esito di chiusura non valido.")
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	op, err := d.holderLocked(opName, convID)
	if err != nil {
		return err
	}
	_, msgs, err := d.Store.Update(ctx, convID, func(c *Conversation) error {
		c.State, c.Operator = StateAssistant, ""
		if n := len(c.Escalations); n > 0 {
			c.Escalations[n-1].Outcome = "closed:" + outcome
		}
		return nil
	}, Message{Role: RoleSystem, Text: "Chiusa da " + op.display + ": " + Outcomes[outcome] + ".", Internal: true},
		Message{Role: RoleSystem, Text: op.display + " ha chiuso la conversazione. Grazie per averci scritto! Se ti serve altro, scrivi pure qui: ti risponde l'assistente virtuale.", Offer: "transcript"})
	if err != nil {
		return err
	}
	d.handled = append(d.handled, d.Now().Sub(op.since[convID]))
	if len(d.handled) > 20 {
		d.handled = d.handled[1:]
	}
	delete(op.chats, convID)
	delete(op.since, convID)
	delete(d.held, convID)
	delete(d.awaiting, convID)
	d.Hub.Publish(DeskTopic, Event{Type: "queue"})
	// The operator sees the closing notes: the chat is no longer held,
	// so deliverLocked alone would not reach them.
	for i := range msgs {
		d.Hub.Publish(OperatorTopic(opName), Event{Type: "message", Conversation: convID, Message: &msgs[i]})
	}
	d.Hub.Publish(OperatorTopic(opName), Event{Type: "released", Conversation: convID})
	d.deliverLocked(convID, msgs...)
	d.notify(convID, Notice{Kind: "operator_left"})
	return nil
}
