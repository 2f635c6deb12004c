package handoff

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/sportello/sportello"
)

var (
	bucketConversations = []byte("conversations")
	bucketMessages      = []byte("messages") // one sub-bucket per conversation
	bucketClientIDs     = []byte("client_ids")
	bucketByUpdate      = []byte("conversations_by_update")
	// bucketLive lists the conversations that are queued or assigned, so
	// a restart finds them without a scan.
	bucketLive = []byte("live")
)

// maxEscalations is how many hand-overs a conversation remembers.
const maxEscalations = 10

// Store keeps conversations and messages in a bbolt file. Every write is
// committed (and synced) before the method returns.
type Store struct {
	db *bolt.DB
	// Now is the clock; tests replace it.
	Now func() time.Time
}

// Open opens or creates the store at path.
func Open(path string) (*Store, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 2 * time.Second})
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketConversations, bucketMessages, bucketClientIDs, bucketByUpdate, bucketLive} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("init store: %w", err)
	}
	// Group concurrent writes into one fsync, but wait little for
	// company: a citizen waits on two commits per message.
	db.MaxBatchDelay = 2 * time.Millisecond
	return &Store{db: db, Now: time.Now}, nil
}

// Close closes the file.
func (s *Store) Close() error { return s.db.Close() }

func randomString(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func hashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// CreateConversation starts a conversation and returns it with the bearer
// token that opens it. Only the token's hash is stored.
func (s *Store) CreateConversation(ctx context.Context) (Conversation, string, error) {
	now := s.Now().UTC()
	token := randomString(32)
	c := Conversation{ID: "c_" + randomString(16), TokenHash: hashToken(token), CreatedAt: now, UpdatedAt: now}
	err := s.db.Batch(func(tx *bolt.Tx) error { return putConversation(tx, c, time.Time{}) })
	if err != nil {
		return Conversation{}, "", fmt.Errorf("create conversation: %w", err)
	}
	return c, token, nil
}

var errNotFound = sportello.Errorf(sportello.ENOTFOUND, "Conversazione non trovata: iniziane una nuova.")

// Authenticate returns the conversation if token opens it. A wrong token
// and a missing conversation look the same, so nothing leaks.
func (s *Store) Authenticate(ctx context.Context, id, token string) (Conversation, error) {
	var c Conversation
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		c, err = getConversation(tx, id)
		return err
	})
	if err != nil {
		return Conversation{}, err
	}
	if token == "" || subtle.ConstantTimeCompare(c.TokenHash, hashToken(token)) != 1 {
		return Conversation{}, errNotFound
	}
	return c, nil
}

// Conversation returns a conversation by ID.
func (s *Store) Conversation(ctx context.Context, id string) (Conversation, error) {
	var c Conversation
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		c, err = getConversation(tx, id)
		return err
	})
	return c, err
}

func getConversation(tx *bolt.Tx, id string) (Conversation, error) {
	var c Conversation
	v := tx.Bucket(bucketConversations).Get([]byte(id))
	if v == nil {
		return c, errNotFound
	}
	if err := json.Unmarshal(v, &c); err != nil {
		return c, fmt.Errorf("decode conversation %s: %w", id, err)
	}
	return c, nil
}

// putConversation writes c and moves its entry in the by-update index
// from prevUpdated (zero for a new conversation).
func putConversation(tx *bolt.Tx, c Conversation, prevUpdated time.Time) error {
	// The record is read on every message: its hand-over history stays
	// short (the statistics keep every one as an event).
	if n := len(c.Escalations); n > maxEscalations {
		c.Escalations = c.Escalations[n-maxEscalations:]
	}
	v, err := json.Marshal(c)
	if err != nil {
		return err
	}
	if err := tx.Bucket(bucketConversations).Put([]byte(c.ID), v); err != nil {
		return err
	}
	live := tx.Bucket(bucketLive)
	if c.State == StateAssistant {
		if err := live.Delete([]byte(c.ID)); err != nil {
			return err
		}
	} else if err := live.Put([]byte(c.ID), nil); err != nil {
		return err
	}
	idx := tx.Bucket(bucketByUpdate)
	if !prevUpdated.IsZero() {
		if err := idx.Delete(updateKey(prevUpdated, c.ID)); err != nil {
			return err
		}
	}
	return idx.Put(updateKey(c.UpdatedAt, c.ID), nil)
}

func updateKey(t time.Time, id string) []byte {
	k := make([]byte, 8, 8+len(id))
	binary.BigEndian.PutUint64(k, uint64(t.UnixNano()))
	return append(k, id...)
}

func seqKey(seq uint64) []byte {
	k := make([]byte, 8)
	binary.BigEndian.PutUint64(k, seq)
	return k
}

// Append stores messages at the end of a conversation, in one
// transaction, and returns them with their seq. If the first message has
// a ClientID already stored, nothing is written and the messages stored
// then (that one and the reply right after it) are returned with
// created=false: a retried send is never stored twice.
// setContext, when not nil, replaces the conversation's context.
func (s *Store) Append(ctx context.Context, convID string, msgs []Message, setContext json.RawMessage) (out []Message, created bool, err error) {
	if len(msgs) == 0 {
		return nil, false, errors.New("append: no messages")
	}
	err = s.db.Batch(func(tx *bolt.Tx) error {
		out, created = nil, false
		c, err := getConversation(tx, convID)
		if err != nil {
			return err
		}
		mb, err := tx.Bucket(bucketMessages).CreateBucketIfNotExists([]byte(convID))
		if err != nil {
			return err
		}
		ids := tx.Bucket(bucketClientIDs)
		if cid := msgs[0].ClientID; cid != "" {
			if v := ids.Get(clientKey(convID, cid)); v != nil {
				out, err = sameClient(mb, binary.BigEndian.Uint64(v))
				return err
			}
		}
		prev := c.UpdatedAt
		if out, err = s.appendTx(tx, &c, msgs); err != nil {
			return err
		}
		if setContext != nil {
			c.Context = setContext
		}
		created = true
		return putConversation(tx, c, prev)
	})
	if err != nil {
		return nil, false, fmt.Errorf("append to %s: %w", convID, err)
	}
	return out, created, nil
}

// appendTx numbers msgs after c's last message and stores them; the
// caller writes c back.
func (s *Store) appendTx(tx *bolt.Tx, c *Conversation, msgs []Message) ([]Message, error) {
	mb, err := tx.Bucket(bucketMessages).CreateBucketIfNotExists([]byte(c.ID))
	if err != nil {
		return nil, err
	}
	ids := tx.Bucket(bucketClientIDs)
	now := s.Now().UTC()
	out := make([]Message, 0, len(msgs))
	for _, m := range msgs {
		c.LastSeq++
		m.Seq = c.LastSeq
		m.CreatedAt = now
		v, err := json.Marshal(m)
		if err != nil {
			return nil, err
		}
		if err := mb.Put(seqKey(m.Seq), v); err != nil {
			return nil, err
		}
		if m.ClientID != "" {
			if err := ids.Put(clientKey(c.ID, m.ClientID), seqKey(m.Seq)); err != nil {
				return nil, err
			}
		}
		out = append(out, m)
	}
	c.UpdatedAt = now
	return out, nil
}

// Update changes a conversation and appends messages in one transaction:
// a state change and the message that tells the citizen about it are
// never apart. mutate may refuse with an error; then nothing is written.
func (s *Store) Update(ctx context.Context, convID string, mutate func(*Conversation) error, msgs ...Message) (Conversation, []Message, error) {
	var c Conversation
	var out []Message
	err := s.db.Batch(func(tx *bolt.Tx) error {
		var err error
		if c, err = getConversation(tx, convID); err != nil {
			return err
		}
		prev := c.UpdatedAt
		if mutate != nil {
			if err := mutate(&c); err != nil {
				return err
			}
		}
		if out, err = s.appendTx(tx, &c, msgs); err != nil {
			return err
		}
		return putConversation(tx, c, prev)
	})
	if err != nil {
		return Conversation{}, nil, fmt.Errorf("update %s: %w", convID, err)
	}
	return c, out, nil
}

// Live returns the conversations that are queued or assigned.
func (s *Store) Live(ctx context.Context) ([]Conversation, error) {
	var out []Conversation
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketLive).ForEach(func(k, _ []byte) error {
			c, err := getConversation(tx, string(k))
			if err != nil {
				return err
			}
			out = append(out, c)
			return nil
		})
	})
	return out, err
}

// sameClient returns the message at seq and the assistant's reply to it,
// when it was stored.
func sameClient(mb *bolt.Bucket, seq uint64) ([]Message, error) {
	var out []Message
	cur := mb.Cursor()
	for k, v := cur.Seek(seqKey(seq)); k != nil && len(out) < 2; k, v = cur.Next() {
		var m Message
		if err := json.Unmarshal(v, &m); err != nil {
			return nil, err
		}
		if len(out) == 1 && m.Role != RoleAssistant {
			break
		}
		out = append(out, m)
	}
	return out, nil
}

func clientKey(convID, cid string) []byte { return []byte(convID + "\x00" + cid) }

// Messages returns up to limit messages with seq > after, in order.
func (s *Store) Messages(ctx context.Context, convID string, after uint64, limit int) ([]Message, error) {
	var out []Message
	err := s.db.View(func(tx *bolt.Tx) error {
		mb := tx.Bucket(bucketMessages).Bucket([]byte(convID))
		if mb == nil {
			return nil
		}
		cur := mb.Cursor()
		for k, v := cur.Seek(seqKey(after + 1)); k != nil && len(out) < limit; k, v = cur.Next() {
			var m Message
			if err := json.Unmarshal(v, &m); err != nil {
				return fmt.Errorf("decode message: %w", err)
			}
			out = append(out, m)
		}
		return nil
	})
	return out, err
}

// SetFeedback records whether an assistant message was useful and returns
// the message.
func (s *Store) SetFeedback(ctx context.Context, convID string, seq uint64, useful bool) (Message, error) {
	var m Message
	err := s.db.Batch(func(tx *bolt.Tx) error {
		mb := tx.Bucket(bucketMessages).Bucket([]byte(convID))
		var v []byte
		if mb != nil {
			v = mb.Get(seqKey(seq))
		}
		if v == nil {
			return sportello.Errorf(sportello.ENOTFOUND, "Messaggio non trovato.")
		}
		if err := json.Unmarshal(v, &m); err != nil {
			return err
		}
		if m.Role != RoleAssistant {
			return sportello.Errorf(sportello.EINVALID, "Si può dare un riscontro solo alle risposte dell'assistente.")
		}
		m.Useful = &useful
		nv, err := json.Marshal(m)
		if err != nil {
			return err
		}
		return mb.Put(seqKey(seq), nv)
	})
	return m, err
}

// DeleteBefore removes conversations last updated before cutoff, with
// their messages, and returns how many it removed.
func (s *Store) DeleteBefore(ctx context.Context, cutoff time.Time) (int, error) {
	n := 0
	err := s.db.Update(func(tx *bolt.Tx) error {
		idx := tx.Bucket(bucketByUpdate)
		end := updateKey(cutoff, "")
		var doomed [][]byte
		cur := idx.Cursor()
		for k, _ := cur.First(); k != nil && bytes.Compare(k[:8], end[:8]) < 0; k, _ = cur.Next() {
			doomed = append(doomed, append([]byte(nil), k...))
		}
		for _, k := range doomed {
			if err := idx.Delete(k); err != nil {
				return err
			}
			if err := deleteConversationData(tx, k[8:]); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// deleteConversationTx removes a conversation, its messages and its
// entries in every index.
func deleteConversationTx(tx *bolt.Tx, c Conversation) error {
	if err := tx.Bucket(bucketByUpdate).Delete(updateKey(c.UpdatedAt, c.ID)); err != nil {
		return err
	}
	return deleteConversationData(tx, []byte(c.ID))
}

// deleteConversationData removes what a conversation id keys: the
// record, its messages, its client ids, its place among the live ones.
func deleteConversationData(tx *bolt.Tx, id []byte) error {
	if err := tx.Bucket(bucketLive).Delete(id); err != nil {
		return err
	}
	if err := tx.Bucket(bucketConversations).Delete(id); err != nil {
		return err
	}
	if tx.Bucket(bucketMessages).Bucket(id) != nil {
		if err := tx.Bucket(bucketMessages).DeleteBucket(id); err != nil {
			return err
		}
	}
	ids := tx.Bucket(bucketClientIDs).Cursor()
	prefix := append(append([]byte(nil), id...), 0)
	for ck, _ := ids.Seek(prefix); ck != nil && bytes.HasPrefix(ck, prefix); ck, _ = ids.Seek(prefix) {
		if err := ids.Delete(); err != nil {
			return err
		}
	}
	return nil
}
