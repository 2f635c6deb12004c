package handoff

import (
	"context"
	"slices"
	"time"

	"github.com/sportello/sportello"
)

// Presence is an operator's availability.
type Presence string

// Operators are online (taking chats), in pause (keeping their chats,
// taking no new ones) or offline.
const (
	Online  Presence = "online"
	Pause   Presence = "pause"
	Offline Presence = "offline"
)

type operator struct {
	name, display string
	status        Presence
	lastSeen      time.Time
	conns         int
	restored      bool // rebuilt after a restart, console not back yet
	chats         map[string]bool
	since         map[string]time.Time // when each held chat was taken
}

// operator returns the record of name, creating it offline.
func (d *Desk) operator(name, display string) *operator {
	op := d.ops[name]
	if op == nil {
		op = &operator{name: name, display: name, status: Offline, chats: map[string]bool{}, since: map[string]time.Time{}}
		d.ops[name] = op
	}
	if display != "" {
		op.display = display
	}
	return op
}

func (d *Desk) onlineLocked() int {
	n := 0
	for _, op := range d.ops {
		if op.status == Online {
			n++
		}
	}
	return n
}

// Connect records that an operator's console is open; the operator is
// online (or keeps their pause). The returned func is called when the
// console goes away: the operator stays theirs until PresenceTimeout
// passes without a console, so a page reload loses nothing.
func (d *Desk) Connect(ctx context.Context, name, display string) (release func()) {
	d.mu.Lock()
	defer d.mu.Unlock()
	op := d.operator(name, display)
	op.conns++
	op.lastSeen = d.Now()
	if op.status == Offline || op.restored {
		op.status, op.restored = Online, false
		d.Log.Info("operator online", "operator", name)
		d.afterChangeLocked(ctx)
	}
	return func() {
		d.mu.Lock()
		defer d.mu.Unlock()
		op.conns--
		op.lastSeen = d.Now()
	}
}

// Heartbeat says an operator's console is alive.
func (d *Desk) Heartbeat(name string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if op := d.ops[name]; op != nil {
		op.lastSeen = d.Now()
	}
}

// SetStatus moves an operator between online, pause and offline. Going
// offline on purpose puts their chats back in the queue at once.
func (d *Desk) SetStatus(ctx context.Context, name string, p Presence) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	op := d.ops[name]
	if op == nil {
		return sportello.Errorf(sportello.ECONFLICT, "Apri la console per cambiare stato.")
	}
	switch p {
	case Online, Pause:
		op.status = p
		op.lastSeen = d.Now()
	case Offline:
		d.goOfflineLocked(ctx, op, op.display+" si è scollegato")
	default:
		return sportello.Errorf(sportello.EINVALID, "Stato non valido: usa online, pausa o offline.")
	}
	d.afterChangeLocked(ctx)
	return nil
}

// goOfflineLocked marks op offline and puts their chats back at the head
// of the queue, oldest first, each with a note for the next operator.
func (d *Desk) goOfflineLocked(ctx context.Context, op *operator, why string) {
	op.status = Offline
	d.Log.Info("operator offline", "operator", op.name, "chats_requeued", len(op.chats))
	ids := make([]string, 0, len(op.chats))
	for id := range op.chats {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b string) int { return op.since[a].Compare(op.since[b]) })
	var head []string
	for _, id := range ids {
		note := why + ": conversazione rimessa in coda."
		c, msgs, err := d.Store.Update(ctx, id, func(c *Conversation) error {
			c.State, c.Operator = StateQueued, ""
			return nil
		}, Message{Role: RoleSystem, Text: note, Internal: true},
			Message{Role: RoleSystem, Text: "L'operatore non è più collegato: sei di nuovo in cima alla coda, ti risponde il primo collega libero."})
		if err != nil {
			if isGone(err) {
				delete(op.chats, id)
				delete(d.held, id)
				continue
			}
			// Keep it held rather than lose track; the next sweep retries.
			d.Log.Error("requeue", "conversation", id, "err", err)
			continue
		}
		delete(op.chats, id)
		delete(op.since, id)
		delete(d.held, id)
		w := &Waiting{Conversation: id, Since: c.QueuedAt, Note: note}
		if n := len(c.Escalations); n > 0 {
			w.Escalation = c.Escalations[n-1]
		}
		d.waiting[id] = w
		head = append(head, id)
		d.Hub.Publish(OperatorTopic(op.name), Event{Type: "released", Conversation: id})
		d.deliverLocked(id, msgs...)
	}
	d.queue = append(head, d.queue...)
}

// Sweep applies the timeouts at now: operators not heard from go
// offline; chats waiting too long, or waiting when nobody is left or the
// office has closed, are offered a written request.
func (d *Desk) Sweep(ctx context.Context) {
	d.mu.Lock()
	defer d.mu.Unlock()
	now := d.Now()
	changed := false
	for _, op := range d.ops {
		// Without a console, the operator has PresenceTimeout to come
		// back (a reload); with one, its heartbeats must keep coming (a
		// cut network leaves a socket open but silent).
		silent := now.Sub(op.lastSeen)
		if op.status != Offline && (op.conns == 0 && silent > d.PresenceTimeout || op.conns > 0 && silent > d.HeartbeatTimeout) {
			d.goOfflineLocked(ctx, op, op.display+" non risponde più")
			changed = true
		}
	}
	open := d.Calendar.IsOpen(now)
	online := d.onlineLocked()
	for _, id := range slices.Clone(d.queue) {
		w := d.waiting[id]
		if w.Offered {
			continue
		}
		var why Reason
		switch {
		case !open:
			why = ReasonClosed
		case online == 0:
			why = ReasonNobodyOnline
		case now.Sub(w.Since) > d.QueueTimeout:
			why = ReasonQueueTimeout
		default:
			continue
		}
		e := w.Escalation
		e.Reason = why
		if err := d.offerTicket(ctx, id, e, why); err != nil {
			if isGone(err) {
				d.removeLocked(id)
				changed = true
				continue
			}
			d.Log.Error("offer ticket", "conversation", id, "err", err)
		}
	}
	if changed || d.AutoAssign && len(d.queue) > 0 {
		d.afterChangeLocked(ctx)
	}
}

// Run sweeps every tick until ctx ends.
func (d *Desk) Run(ctx context.Context, tick time.Duration) {
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			d.Sweep(ctx)
		}
	}
}

// autoAssignLocked gives waiting chats, longest-waiting first, to the
// online operator with the fewest chats, while someone has room.
func (d *Desk) autoAssignLocked(ctx context.Context) {
	for len(d.queue) > 0 {
		var best *operator
		for _, op := range d.ops {
			if op.status != Online || len(op.chats) >= d.MaxChats {
				continue
			}
			if best == nil || len(op.chats) < len(best.chats) || len(op.chats) == len(best.chats) && op.name < best.name {
				best = op
			}
		}
		if best == nil {
			return
		}
		id := d.queue[0]
		if err := d.pickupLocked(ctx, best.name, id, "Assegnata automaticamente."); err != nil {
			d.Log.Error("auto-assign", "conversation", id, "operator", best.name, "err", err)
			d.removeLocked(id)
		}
	}
}

// OperatorView is an operator as consoles show them.
type OperatorView struct {
	Name    string   `json:"name"`
	Display string   `json:"display"`
	Status  Presence `json:"status"`
	Chats   int      `json:"chats"`
}

// Snapshot is the desk as a console shows it.
type Snapshot struct {
	Queue     []Waiting      `json:"queue"`
	Operators []OperatorView `json:"operators"`
	MaxChats  int            `json:"max_chats"`
}

// Snapshot returns the queue in order and the operators by name.
func (d *Desk) Snapshot() Snapshot {
	d.mu.Lock()
	defer d.mu.Unlock()
	s := Snapshot{Queue: make([]Waiting, 0, len(d.queue)), Operators: make([]OperatorView, 0, len(d.ops)), MaxChats: d.MaxChats}
	for _, id := range d.queue {
		s.Queue = append(s.Queue, *d.waiting[id])
	}
	for _, op := range d.ops {
		s.Operators = append(s.Operators, OperatorView{Name: op.name, Display: op.display, Status: op.status, Chats: len(op.chats)})
	}
	slices.SortFunc(s.Operators, func(a, b OperatorView) int {
		if a.Name < b.Name {
			return -1
		}
		if a.Name > b.Name {
			return 1
		}
		return 0
	})
	return s
}

// Held returns the chats an operator holds, oldest first, and their
// presence.
func (d *Desk) Held(name string) ([]string, Presence) {
	d.mu.Lock()
	defer d.mu.Unlock()
	op := d.ops[name]
	if op == nil {
		return nil, Offline
	}
	ids := make([]string, 0, len(op.chats))
	for id := range op.chats {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b string) int { return op.since[a].Compare(op.since[b]) })
	return ids, op.status
}
