package handoff

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	bolt "go.etcd.io/bbolt"
)

var (
	bucketOutbox  = []byte("outbox")         // id → Email, sent ones kept
	bucketPending = []byte("outbox_pending") // id → nil while not sent
)

// Email is one outgoing message in the outbox. It is written in the same
// transaction as the change that causes it, and delivered by the
// Outbox's worker.
type Email struct {
	ID uint64 `json:"id"`
	// MessageID is fixed at enqueue, so a resend after a crash is
	// recognisable as the same message.
	MessageID string    `json:"message_id"`
	To        string    `json:"to"`
	ToName    string    `json:"to_name,omitempty"`
	Subject   string    `json:"subject"`
	Body      string    `json:"body"`
	Ticket    string    `json:"ticket,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	Attempts  int       `json:"attempts,omitempty"`
	NextAt    time.Time `json:"next_at"`
	LastError string    `json:"last_error,omitempty"`
	SentAt    time.Time `json:"sent_at,omitzero"`
	// Failed is set after Outbox.MaxAttempts failures: the console
	// shows it; delivery keeps being tried at the longest interval.
	Failed bool `json:"failed,omitempty"`
}

// Mailer delivers one email; nil error means the server accepted it.
type Mailer interface {
	Send(ctx context.Context, e Email) error
}

// enqueueTx adds e to the outbox inside a caller's transaction.
func enqueueTx(tx *bolt.Tx, e *Email) error {
	b, err := tx.CreateBucketIfNotExists(bucketOutbox)
	if err != nil {
		return err
	}
	p, err := tx.CreateBucketIfNotExists(bucketPending)
	if err != nil {
		return err
	}
	if e.ID, err = b.NextSequence(); err != nil {
		return err
	}
	v, err := json.Marshal(e)
	if err != nil {
		return err
	}
	if err := b.Put(seqKey(e.ID), v); err != nil {
		return err
	}
	return p.Put(seqKey(e.ID), nil)
}

// Outbox delivers queued emails with exponential back-off, across
// restarts: an email is marked sent only after the server accepted it.
type Outbox struct {
	Store  *Store
	Mailer Mailer
	Log    *slog.Logger
	Now    func() time.Time
	// MaxAttempts failures flag an email for the console.
	MaxAttempts int
	// Backoff is the first retry delay, doubled each time up to
	// MaxBackoff.
	Backoff, MaxBackoff time.Duration
	wake                chan struct{}
}

// NewOutbox returns an outbox with the defaults: retries after 30 s,
// doubling up to an hour, flagged after 8 failures.
func NewOutbox(s *Store, m Mailer, log *slog.Logger) *Outbox {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Outbox{Store: s, Mailer: m, Log: log, Now: time.Now, MaxAttempts: 8,
		Backoff: 30 * time.Second, MaxBackoff: time.Hour, wake: make(chan struct{}, 1)}
}

// Wake asks the worker to look at the outbox now (after an enqueue).
func (o *Outbox) Wake() {
	select {
	case o.wake <- struct{}{}:
	default:
	}
}

// Run delivers until ctx ends: due emails at once, then it sleeps until
// the next is due, a Wake, or at most a second.
func (o *Outbox) Run(ctx context.Context) {
	for {
		o.DeliverDue(ctx)
		select {
		case <-ctx.Done():
			return
		case <-o.wake:
		case <-time.After(time.Second):
		}
	}
}

// DeliverDue tries every email that is due and returns how many were
// accepted by the server.
func (o *Outbox) DeliverDue(ctx context.Context) int {
	due, err := o.due()
	if err != nil {
		o.Log.Error("outbox: read", "err", err)
		return 0
	}
	sent := 0
	for _, e := range due {
		if ctx.Err() != nil {
			return sent
		}
		sendCtx, cancel := context.WithTimeout(ctx, time.Minute)
		err := o.Mailer.Send(sendCtx, e)
		cancel()
		if err := o.record(e.ID, err); err != nil {
			// The email went out but could not be marked: it will be sent
			// again with the same Message-ID, the most SMTP allows.
			o.Log.Error("outbox: record", "email", e.ID, "err", err)
		}
		if err == nil {
			sent++
			o.Log.Info("email sent", "email", e.ID, "message_id", e.MessageID, "ticket", e.Ticket)
		} else {
			o.Log.Warn("email not sent", "email", e.ID, "ticket", e.Ticket, "attempt", e.Attempts+1, "err", err)
		}
	}
	return sent
}

func (o *Outbox) due() ([]Email, error) {
	now := o.Now()
	all, err := o.Pending(context.Background())
	out := all[:0]
	for _, e := range all {
		if !e.NextAt.After(now) {
			out = append(out, e)
		}
	}
	return out, err
}

// record stores the outcome of one attempt.
func (o *Outbox) record(id uint64, sendErr error) error {
	now := o.Now().UTC()
	return o.Store.db.Update(func(tx *bolt.Tx) error {
		b, p := tx.Bucket(bucketOutbox), tx.Bucket(bucketPending)
		var e Email
		if err := json.Unmarshal(b.Get(seqKey(id)), &e); err != nil {
			return err
		}
		e.Attempts++
		if sendErr == nil {
			e.SentAt, e.LastError = now, ""
			if err := p.Delete(seqKey(id)); err != nil {
				return err
			}
		} else {
			e.LastError = sendErr.Error()
			wait := o.Backoff << min(e.Attempts-1, 20)
			if wait > o.MaxBackoff || wait <= 0 {
				wait = o.MaxBackoff
			}
			e.NextAt = now.Add(wait)
			e.Failed = e.Attempts >= o.MaxAttempts
		}
		v, err := json.Marshal(e)
		if err != nil {
			return err
		}
		return b.Put(seqKey(id), v)
	})
}

// Pending returns the emails not yet sent, oldest first; failed ones
// (flagged) are among them.
func (o *Outbox) Pending(ctx context.Context) ([]Email, error) {
	var out []Email
	err := o.Store.db.View(func(tx *bolt.Tx) error {
		p, b := tx.Bucket(bucketPending), tx.Bucket(bucketOutbox)
		if p == nil || b == nil {
			return nil
		}
		return p.ForEach(func(k, _ []byte) error {
			var e Email
			if err := json.Unmarshal(b.Get(k), &e); err != nil {
				return fmt.Errorf("decode email %d: %w", binary.BigEndian.Uint64(k), err)
			}
			out = append(out, e)
			return nil
		})
	})
	return out, err
}

// Email returns one email of the outbox by ID.
func (o *Outbox) Email(ctx context.Context, id uint64) (Email, error) {
	var e Email
	err := o.Store.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketOutbox)
		if b == nil || b.Get(seqKey(id)) == nil {
			return fmt.Errorf("email %d not found", id)
		}
		return json.Unmarshal(b.Get(seqKey(id)), &e)
	})
	return e, err
}

// DeleteSentBefore removes the emails sent before cutoff: their bodies
// hold what citizens wrote and what they were told, kept no longer than
// the chats (retention_days). Emails not yet sent stay whatever their
// age. It returns how many it removed.
func (o *Outbox) DeleteSentBefore(ctx context.Context, cutoff time.Time) (int, error) {
	n := 0
	err := o.Store.db.Update(func(tx *bolt.Tx) error {
		b, p := tx.Bucket(bucketOutbox), tx.Bucket(bucketPending)
		if b == nil {
			return nil
		}
		var doomed [][]byte
		err := b.ForEach(func(k, v []byte) error {
			var e Email
			if err := json.Unmarshal(v, &e); err != nil {
				return fmt.Errorf("decode email %d: %w", binary.BigEndian.Uint64(k), err)
			}
			if !e.SentAt.IsZero() && e.SentAt.Before(cutoff) && (p == nil || p.Get(k) == nil) {
				doomed = append(doomed, append([]byte(nil), k...))
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, k := range doomed {
			if err := b.Delete(k); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}
