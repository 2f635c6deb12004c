package handoff

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/sportello/sportello"
)

// DeskTopic is the hub topic on which the desk announces that the queue
// or the operators changed; consoles then ask for a fresh Snapshot.
const DeskTopic = "desk"

// OperatorTopic is the hub topic of one operator's console: the messages
// and events of the chats they hold.
func OperatorTopic(name string) string { return "op:" + name }

// Desk is the live side of the URP: the queue of chats waiting for a
// person, the operators and their presence, who holds which chat. The
// durable truth is the store (every change is committed, with the message
// telling the citizen, before anyone is told); the desk keeps an
// in-memory mirror for speed and rebuilds it on start (Restore).
type Desk struct {
	Store    *Store
	Hub      *Hub
	Calendar *Calendar
	Log      *slog.Logger
	// Now is the clock; tests replace it.
	Now func() time.Time
	// MaxChats is how many chats one operator may hold at once.
	MaxChats int
	// QueueTimeout: a chat waiting longer is offered a written request.
	QueueTimeout time.Duration
	// PresenceTimeout: an operator not heard from for longer is offline
	// and their chats go back to the queue.
	PresenceTimeout time.Duration
	// HeartbeatTimeout: an open console silent for longer (consoles beat
	// every 20 seconds) counts as gone.
	HeartbeatTimeout time.Duration
	// AutoAssign gives the longest-waiting chat to the least busy online
	// operator, without a click.
	AutoAssign bool
	// Events records hand-overs, waits and first responses (may be nil).
	Events *Recorder

	mu      sync.Mutex
	queue   []string            // conversation IDs, head first
	waiting map[string]*Waiting // by conversation ID
	held    map[string]string   // conversation ID → operator
	ops     map[string]*operator
	// handled are the last chats' handling times, for wait estimates.
	handled []time.Duration
	// awaiting are held chats whose operator has not written yet, with
	// the time of the hand-over, for the first-response time.
	awaiting map[string]time.Time
}

// Waiting is a chat in the queue, as the console lists it.
type Waiting struct {
	Conversation string     `json:"conversation"`
	Since        time.Time  `json:"since"`
	Escalation   Escalation `json:"escalation"`
	// Last is the citizen's latest message.
	Last string `json:"last,omitempty"`
	// Note explains a chat put back in the queue (e.g. its operator went
	// offline).
	Note    string `json:"note,omitempty"`
	Offered bool   `json:"ticket_offered,omitempty"`
	// WaitSeconds is how long it has waited, at the snapshot: consoles
	// count on from it, whatever their own clock says.
	WaitSeconds int `json:"wait_s"`
}

// NewDesk returns a desk with the defaults: 5 chats per operator, a
// 5-minute queue limit, offline after 45 seconds without a console
// (within a minute, counting the sweep).
func NewDesk(store *Store, hub *Hub, cal *Calendar, log *slog.Logger) *Desk {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Desk{
		Store: store, Hub: hub, Calendar: cal, Log: log, Now: time.Now,
		MaxChats: 5, QueueTimeout: 5 * time.Minute, PresenceTimeout: 45 * time.Second, HeartbeatTimeout: 45 * time.Second,
		waiting: map[string]*Waiting{}, held: map[string]string{}, ops: map[string]*operator{}, awaiting: map[string]time.Time{},
	}
}

// Restore rebuilds the desk from the store after a start: waiting chats
// in their order, held chats with their operator, who then has
// PresenceTimeout to come back before the chats return to the queue.
func (d *Desk) Restore(ctx context.Context) error {
	live, err := d.Store.Live(ctx)
	if err != nil {
		return fmt.Errorf("restore desk: %w", err)
	}
	slices.SortFunc(live, func(a, b Conversation) int { return a.QueuedAt.Compare(b.QueuedAt) })
	d.mu.Lock()
	defer d.mu.Unlock()
	now := d.Now()
	for _, c := range live {
		switch c.State {
		case StateQueued:
			w := &Waiting{Conversation: c.ID, Since: c.QueuedAt}
			if n := len(c.Escalations); n > 0 {
				w.Escalation = c.Escalations[n-1]
				w.Offered = w.Escalation.Outcome == "ticket_offered"
				w.Last = w.Escalation.Question
			}
			d.queue = append(d.queue, c.ID)
			d.waiting[c.ID] = w
		case StateAssigned:
			d.held[c.ID] = c.Operator
			// In pause until their console comes back; if it does not
			// within PresenceTimeout, the sweep requeues their chats.
			op := d.operator(c.Operator, "")
			op.status, op.restored, op.lastSeen = Pause, true, now
			op.chats[c.ID] = true
			op.since[c.ID] = now
		}
	}
	return nil
}

// Live is where a conversation stands now: its state and its operator.
func (d *Desk) Live(convID string) (State, string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if op, ok := d.held[convID]; ok {
		return StateAssigned, op
	}
	if _, ok := d.waiting[convID]; ok {
		return StateQueued, ""
	}
	return StateAssistant, ""
}

// deliver pushes stored messages to the citizen and, for a held chat, to
// its operator's console. Internal notes never reach the citizen.
func (d *Desk) deliver(convID string, msgs ...Message) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.deliverLocked(convID, msgs...)
}

// deliverLocked publishes under the desk's lock, so that the events of
// one conversation leave in the order its state changed.
func (d *Desk) deliverLocked(convID string, msgs ...Message) {
	holder := d.held[convID]
	w := d.waiting[convID]
	for i := range msgs {
		m := msgs[i]
		if w != nil && m.Role == RoleCitizen {
			w.Last = m.Text
		}
		if !m.Internal {
			d.Hub.Publish(convID, Event{Type: "message", Message: &m})
		}
		if holder != "" {
			d.Hub.Publish(OperatorTopic(holder), Event{Type: "message", Conversation: convID, Message: &m})
		}
	}
	if w != nil {
		d.Hub.Publish(DeskTopic, Event{Type: "queue"})
	}
}

// notify sends a live, unstored event to the citizen.
func (d *Desk) notify(convID string, n Notice) {
	d.Hub.Publish(convID, Event{Type: "event", Event: &n})
}

// Escalate sends a chat towards a person. With the office open and an
// operator online it joins the queue; otherwise the citizen is offered a
// written request, told when operators are back. Either way the reason
// is recorded and the citizen is told at once, in a stored message.
func (d *Desk) Escalate(ctx context.Context, convID string, e Escalation) error {
	d.mu.Lock()
	if _, ok := d.held[convID]; ok {
		d.mu.Unlock()
		return nil
	}
	if _, ok := d.waiting[convID]; ok {
		d.mu.Unlock()
		return nil
	}
	now := d.Now()
	e.At = now.UTC()
	why := Reason("")
	switch {
	case !d.Calendar.IsOpen(now):
		why = ReasonClosed
	case d.onlineLocked() == 0:
		why = ReasonNobodyOnline
	}
	if why != "" {
		// Nothing of the desk changes: the offer is written without
		// holding up every other chat's messages.
		d.mu.Unlock()
		msgs, err := d.ticketOffer(ctx, convID, e, why)
		if err != nil {
			return err
		}
		d.deliver(convID, msgs...)
		return nil
	}
	defer d.mu.Unlock()
	e.Outcome = "queued"
	pos := len(d.queue) + 1
	text := fmt.Sprintf("Ti metto in contatto con un operatore. %s Intanto puoi continuare a leggere le risposte o scrivere qui; se preferisci, puoi uscire dalla coda.", d.positionText(pos))
	_, msgs, err := d.Store.Update(ctx, convID, func(c *Conversation) error {
		c.State, c.Operator, c.QueuedAt = StateQueued, "", now.UTC()
		c.Escalations = append(c.Escalations, e)
		return nil
	}, Message{Role: RoleSystem, Text: text})
	if err != nil {
		return err
	}
	d.queue = append(d.queue, convID)
	d.waiting[convID] = &Waiting{Conversation: convID, Since: now.UTC(), Escalation: e, Last: e.Question}
	d.Events.Record(StatEvent{At: now, Kind: EvEscalation, Reason: ReasonCode[e.Reason]})
	d.Log.Info("escalation", "conversation", convID, "reason", e.Reason, "outcome", e.Outcome, "position", pos)
	d.afterChangeLocked(ctx)
	d.deliverLocked(convID, msgs...)
	return nil
}

// offerTicket records that a person could not take the chat live and
// offers a written request. The chat stays where it is (a waiting chat
// keeps its place).
func (d *Desk) offerTicket(ctx context.Context, convID string, e Escalation, why Reason) error {
	msgs, err := d.ticketOffer(ctx, convID, e, why)
	if err != nil {
		return err
	}
	if w := d.waiting[convID]; w != nil {
		w.Offered = true
	}
	d.deliverLocked(convID, msgs...)
	return nil
}

// ticketOffer stores the offer and its records, and returns the message
// to deliver; it touches no state of the desk.
func (d *Desk) ticketOffer(ctx context.Context, convID string, e Escalation, why Reason) ([]Message, error) {
	now := d.Now()
	if e.Reason == "" {
		e.Reason = why
	}
	e.At, e.Outcome = now.UTC(), "ticket_offered"
	rec := e
	rec.Reason = why
	var text string
	switch why {
	case ReasonClosed:
		text = "In questo momento l'ufficio è chiuso. " + d.Calendar.Sentence(now) + " Puoi lasciare una richiesta scritta: ti risponderemo via email alla riapertura, e quello che hai scritto qui resta allegato."
	case ReasonNobodyOnline:
		text = "In questo momento nessun operatore è disponibile. Puoi lasciare una richiesta scritta: ti risponderemo via email, e quello che hai scritto qui resta allegato."
	default:
		text = "L'attesa si sta allungando. Puoi restare in coda oppure lasciare una richiesta scritta: ti risponderemo via email, e quello che hai scritto qui resta allegato."
	}
	recs := []Escalation{rec}
	if e.Reason != why { // the reason that sent it to a person, then why not live
		first := e
		first.Outcome = "not_live"
		recs = []Escalation{first, rec}
	}
	_, msgs, err := d.Store.Update(ctx, convID, func(c *Conversation) error {
		c.Escalations = append(c.Escalations, recs...)
		return nil
	}, Message{Role: RoleSystem, Text: text, Offer: "ticket"})
	if err != nil {
		return nil, err
	}
	if e.Reason != why {
		d.Events.Record(StatEvent{At: now, Kind: EvEscalation, Reason: ReasonCode[e.Reason]})
	}
	d.Events.Record(StatEvent{At: now, Kind: EvEscalation, Reason: ReasonCode[why], Value: 1})
	d.Log.Info("escalation", "conversation", convID, "reason", e.Reason, "outcome", "ticket_offered", "why", why)
	return msgs, nil
}

// positionText tells a citizen their place and an estimated wait.
func (d *Desk) positionText(pos int) string {
	m := d.waitMinutesLocked(pos)
	if pos == 1 {
		return fmt.Sprintf("Sei il primo in coda: attesa stimata circa %s.", minutes(m))
	}
	return fmt.Sprintf("Sei il numero %d in coda: attesa stimata circa %s.", pos, minutes(m))
}

func minutes(m int) string {
	if m <= 1 {
		return "1 minuto"
	}
	return fmt.Sprintf("%d minuti", m)
}

// waitMinutesLocked estimates the wait of position pos: the recent
// average handling time, shared among the online operators.
func (d *Desk) waitMinutesLocked(pos int) int {
	avg := 3 * time.Minute
	if n := len(d.handled); n > 0 {
		var sum time.Duration
		for _, h := range d.handled {
			sum += h
		}
		avg = sum / time.Duration(n)
	}
	online := max(1, d.onlineLocked())
	return max(1, int(math.Ceil(float64(pos)*avg.Minutes()/float64(online))))
}

// afterChangeLocked runs after the queue changed: auto-assignment, then
// every waiting citizen hears their new position and consoles refresh.
func (d *Desk) afterChangeLocked(ctx context.Context) {
	if d.AutoAssign {
		d.autoAssignLocked(ctx)
	}
	for i, id := range d.queue {
		pos := i + 1
		d.notify(id, Notice{Kind: "queue_position", Position: pos, Wait: d.waitMinutesLocked(pos), Text: d.positionText(pos)})
	}
	d.Hub.Publish(DeskTopic, Event{Type: "queue"})
}

func (d *Desk) removeLocked(convID string) {
	delete(d.waiting, convID)
	d.queue = slices.DeleteFunc(d.queue, func(id string) bool { return id == convID })
}

// Pickup gives a waiting chat to an operator. When two click at once,
// exactly one gets it; the other is told it is taken.
func (d *Desk) Pickup(ctx context.Context, opName, convID string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.pickupLocked(ctx, opName, convID, "")
}

func (d *Desk) pickupLocked(ctx context.Context, opName, convID, note string) error {
	op := d.ops[opName]
	if op == nil || op.status != Online {
		return sportello.Errorf(sportello.ECONFLICT, "Per prendere una conversazione devi essere in linea.")
	}
	if holder, ok := d.held[convID]; ok {
		if holder == opName {
			return nil
		}
		return sportello.Errorf(sportello.ECONFLICT, "Questa conversazione è già stata presa da un altro operatore.")
	}
	w := d.waiting[convID]
	if w == nil {
		return sportello.Errorf(sportello.ENOTFOUND, "Questa conversazione non è più in coda.")
	}
	if len(op.chats) >= d.MaxChats {
		return sportello.Errorf(sportello.ECONFLICT, "Hai già %d conversazioni aperte: chiudine una prima di prenderne un'altra.", d.MaxChats)
	}
	msgs := []Message{{Role: RoleSystem, Text: op.display + " si è unito alla conversazione."}}
	if note != "" {
		msgs = append(msgs, Message{Role: RoleSystem, Text: note, Internal: true})
	}
	_, stored, err := d.Store.Update(ctx, convID, func(c *Conversation) error {
		c.State, c.Operator = StateAssigned, opName
		return nil
	}, msgs...)
	if err != nil {
		return err
	}
	d.removeLocked(convID)
	d.held[convID] = opName
	op.chats[convID] = true
	op.since[convID] = d.Now()
	d.Events.Record(StatEvent{Kind: EvPickup, Value: int32(d.Now().Sub(w.Since).Seconds())})
	if _, ok := d.awaiting[convID]; !ok {
		d.awaiting[convID] = w.Escalation.At
	}
	d.Log.Info("pickup", "conversation", convID, "operator", opName, "waited_s", int(d.Now().Sub(w.Since).Seconds()))
	d.Hub.Publish(OperatorTopic(opName), Event{Type: "assigned", Conversation: convID})
	d.afterChangeLocked(ctx)
	d.deliverLocked(convID, stored...)
	d.notify(convID, Notice{Kind: "operator_joined", Who: op.display})
	return nil
}

// Leave takes a waiting chat out of the queue at the citizen's wish.
func (d *Desk) Leave(ctx context.Context, convID string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, ok := d.waiting[convID]; !ok {
		return sportello.Errorf(sportello.ECONFLICT, "Non sei in coda.")
	}
	_, msgs, err := d.Store.Update(ctx, convID, func(c *Conversation) error {
		c.State = StateAssistant
		if n := len(c.Escalations); n > 0 {
			c.Escalations[n-1].Outcome = "left_queue"
		}
		return nil
	}, Message{Role: RoleSystem, Text: "Sei uscito dalla coda. Puoi continuare a scrivere all'assistente virtuale."})
	if err != nil {
		return err
	}
	d.removeLocked(convID)
	d.afterChangeLocked(ctx)
	d.deliverLocked(convID, msgs...)
	return nil
}

// isGone reports a store error that means the conversation no longer
// exists (deleted by retention).
func isGone(err error) bool {
	return sportello.ErrorCode(errors.Unwrap(err)) == sportello.ENOTFOUND || sportello.ErrorCode(err) == sportello.ENOTFOUND
}

// TicketCreated tells the chat that a written request was registered:
// the citizen reads its number in the chat, a waiting chat leaves the
// queue (the request replaces the wait), and the escalation records it.
func (d *Desk) TicketCreated(ctx context.Context, convID, number, email string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, held := d.held[convID]; held {
		return nil // an operator is already with them; the request stands on its own
	}
	_, msgs, err := d.Store.Update(ctx, convID, func(c *Conversation) error {
		c.State = StateAssistant
		if n := len(c.Escalations); n > 0 {
			c.Escalations[n-1].Outcome = "ticket:" + number
		}
		return nil
	}, Message{Role: RoleSystem, Text: fmt.Sprintf("Richiesta %s registrata. Ti abbiamo inviato una conferma a %s e ti risponderemo lì.", number, email)})
	if err != nil {
		return err
	}
	if _, waiting := d.waiting[convID]; waiting {
		d.removeLocked(convID)
		d.afterChangeLocked(ctx)
	}
	d.deliverLocked(convID, msgs...)
	return nil
}
