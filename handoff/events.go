package handoff

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

var bucketEvents = []byte("events")

// EventKind says what happened, for the statistics.
type EventKind uint8

// The kinds of events.
const (
	EvConversation   EventKind = iota + 1 // a conversation started
	EvQuestion                            // the assistant decided on a question (Decision, Card, Value = confidence ‰)
	EvEscalation                          // a hand-over (Reason)
	EvPickup                              // an operator took a chat (Value = seconds waited)
	EvFirstResponse                       // an operator's first message in a chat (Value = seconds since the escalation)
	EvTicket                              // a written request was created
	EvTicketAnswered                      // answered (Value = 1 if within the target)
	EvFeedback                            // a citizen judged an answer (Value = 1 useful, 0 not; Card)
)

// Decision codes in events (the assistant's decisions, without importing
// it).
const (
	DecAnswer uint8 = iota + 1
	DecClarify
	DecHandoff
	DecSmallTalk
)

// DecisionCode maps the assistant's decision names to event codes.
var DecisionCode = map[string]uint8{"answer": DecAnswer, "clarify": DecClarify, "handoff": DecHandoff, "smalltalk": DecSmallTalk}

// ReasonCode numbers the escalation reasons in events; ReasonOf is back.
var ReasonCode = map[Reason]uint8{ReasonLowConfidence: 1, ReasonNoMatch: 2, ReasonAskedPerson: 3, ReasonNegativeFeedback: 4,
	ReasonClosed: 5, ReasonNobodyOnline: 6, ReasonQueueTimeout: 7}

// ReasonOf names an event's reason code.
func ReasonOf(code uint8) Reason {
	for r, c := range ReasonCode {
		if c == code {
			return r
		}
	}
	return ""
}

// StatEvent is one fact for the statistics: small, fixed-form, stored
// in time order so a period is one range scan.
type StatEvent struct {
	At       time.Time
	Kind     EventKind
	Decision uint8
	Reason   uint8
	// OutOfHours is set when the office was closed at At.
	OutOfHours bool
	Value      int32
	Card       string
}

// encode writes e as: kind, decision, reason, flags, value (4), card.
func (e StatEvent) encode() []byte {
	b := make([]byte, 8, 8+len(e.Card))
	b[0], b[1], b[2] = byte(e.Kind), e.Decision, e.Reason
	if e.OutOfHours {
		b[3] = 1
	}
	binary.BigEndian.PutUint32(b[4:], uint32(e.Value))
	return append(b, e.Card...)
}

// decodeEvent reads an event; cards are interned so a year of events
// shares one string per card.
func decodeEvent(k, v []byte, cards map[string]string) (StatEvent, error) {
	if len(k) != 16 || len(v) < 8 {
		return StatEvent{}, errors.New("bad event record")
	}
	e := StatEvent{At: time.Unix(0, int64(binary.BigEndian.Uint64(k))), Kind: EventKind(v[0]), Decision: v[1], Reason: v[2],
		OutOfHours: v[3] == 1, Value: int32(binary.BigEndian.Uint32(v[4:8]))}
	if c := v[8:]; len(c) > 0 {
		s, ok := cards[string(c)] // no allocation for the lookup
		if !ok {
			s = string(c)
			cards[s] = s
		}
		e.Card = s
	}
	return e, nil
}

// Recorder writes statistics events in batches: every half second or
// thousand events, one transaction. A crash may lose the last half
// second of statistics, never a message: those are written apart,
// before they are acknowledged.
type Recorder struct {
	Store    *Store
	Calendar *Calendar
	Log      *slog.Logger
	Now      func() time.Time

	mu      sync.Mutex
	pending []StatEvent
	flushed chan struct{}
	hooks   []func(StatEvent)
}

// NewRecorder returns a recorder on s.
func NewRecorder(s *Store, cal *Calendar, log *slog.Logger) *Recorder {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Recorder{Store: s, Calendar: cal, Log: log, Now: time.Now, flushed: make(chan struct{}, 1)}
}

// OnEvent adds a function called with every event as it is recorded
// (the Prometheus counters).
func (r *Recorder) OnEvent(f func(StatEvent)) { r.hooks = append(r.hooks, f) }

// Record queues an event; At is set to now when zero.
func (r *Recorder) Record(e StatEvent) {
	if r == nil {
		return
	}
	if e.At.IsZero() {
		e.At = r.Now()
	}
	if r.Calendar != nil {
		e.OutOfHours = !r.Calendar.IsOpen(e.At)
	}
	for _, h := range r.hooks {
		h(e)
	}
	r.mu.Lock()
	r.pending = append(r.pending, e)
	full := len(r.pending) >= 1000
	r.mu.Unlock()
	if full {
		select {
		case r.flushed <- struct{}{}:
		default:
		}
	}
}

// Run flushes until ctx ends, then once more.
func (r *Recorder) Run(ctx context.Context) {
	t := time.NewTicker(500 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			if err := r.Flush(); err != nil {
				r.Log.Error("events: flush", "err", err)
			}
			return
		case <-t.C:
		case <-r.flushed:
		}
		if err := r.Flush(); err != nil {
			r.Log.Error("events: flush", "err", err)
		}
	}
}

// Flush writes the queued events now.
func (r *Recorder) Flush() error {
	r.mu.Lock()
	evs := r.pending
	r.pending = nil
	r.mu.Unlock()
	if len(evs) == 0 {
		return nil
	}
	return r.Store.AddEvents(evs)
}

// AddEvents stores events in one transaction (also used to load
// synthetic years for the benchmark).
func (s *Store) AddEvents(evs []StatEvent) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketEvents)
		if err != nil {
			return err
		}
		for _, e := range evs {
			seq, err := b.NextSequence()
			if err != nil {
				return err
			}
			k := make([]byte, 16)
			binary.BigEndian.PutUint64(k, uint64(e.At.UnixNano()))
			binary.BigEndian.PutUint64(k[8:], seq)
			if err := b.Put(k, e.encode()); err != nil {
				return err
			}
		}
		return nil
	})
}

// Events calls f with every event in [from, to), in time order.
func (s *Store) Events(ctx context.Context, from, to time.Time, f func(StatEvent)) error {
	cards := map[string]string{}
	start := make([]byte, 8)
	binary.BigEndian.PutUint64(start, uint64(from.UnixNano()))
	end := uint64(to.UnixNano())
	return s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketEvents)
		if b == nil {
			return nil
		}
		c := b.Cursor()
		for k, v := c.Seek(start); k != nil && binary.BigEndian.Uint64(k) < end; k, v = c.Next() {
			e, err := decodeEvent(k, v, cards)
			if err != nil {
				return fmt.Errorf("events: %w", err)
			}
			f(e)
		}
		return nil
	})
}
