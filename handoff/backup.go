package handoff

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Backup writes a consistent copy of the whole store to w while the
// service runs: a read transaction, so citizens' messages keep being
// written meanwhile. Copying the file itself while the server writes
// can give a torn copy.
func (s *Store) Backup(w io.Writer) (int64, error) {
	var n int64
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		n, err = tx.WriteTo(w)
		return err
	})
	if err != nil {
		return n, fmt.Errorf("backup: %w", err)
	}
	return n, nil
}

// backupPrefix and backupSuffix frame a copy's name, with its UTC time
// between them: sportello-20261201T060000Z.db sorts by age.
const (
	backupPrefix = "sportello-"
	backupSuffix = ".db"
	backupLayout = "20060102T150405Z"
)

// backupRetry is how long a failed copy waits before the next try.
const backupRetry = 15 * time.Minute

// Backups keeps copies of the store in a folder: one every Every, the
// newest Keep of them.
type Backups struct {
	Store *Store
	// Dir should be on another disk than the data folder: a copy on the
	// same disk survives a mistake, not the disk.
	Dir   string
	Every time.Duration
	Keep  int
	Now   func() time.Time
	Log   *slog.Logger

	mu   sync.Mutex
	last time.Time
}

// Last is when the newest copy was made; zero when there is none.
func (b *Backups) Last() time.Time {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.last
}

// Run makes a copy whenever the newest one is older than Every (at
// start too, so a server restarted often still gets its copy), checking
// every tick, until ctx ends.
func (b *Backups) Run(ctx context.Context, tick time.Duration) {
	if names, err := b.copies(); err == nil && len(names) > 0 {
		b.mu.Lock()
		b.last = copyTime(names[len(names)-1])
		b.mu.Unlock()
	}
	var retryAt time.Time
	for {
		now := b.Now()
		if last := b.Last(); (last.IsZero() || now.Sub(last) >= b.Every) && !now.Before(retryAt) {
			if _, err := b.Once(); err != nil {
				// A full disk or a folder without rights does not mend
				// in a minute: one log line every quarter of an hour.
				retryAt = now.Add(backupRetry)
				b.Log.Error("backup failed", "dir", b.Dir, "err", err, "retry_at", retryAt)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(tick):
		}
	}
}

// Once makes a copy now and removes the oldest beyond Keep. The copy is
// written under a temporary name and renamed when complete, so a
// half-written file never looks like a backup.
func (b *Backups) Once() (string, error) {
	start := b.Now()
	if err := os.MkdirAll(b.Dir, 0o700); err != nil {
		return "", fmt.Errorf("backup folder: %w", err)
	}
	name := filepath.Join(b.Dir, backupPrefix+start.UTC().Format(backupLayout)+backupSuffix)
	f, err := os.CreateTemp(b.Dir, ".backup-*.tmp")
	if err != nil {
		return "", fmt.Errorf("backup: %w", err)
	}
	size, err := b.Store.Backup(f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.Name(), 0o600)
	}
	if err == nil {
		err = os.Rename(f.Name(), name)
	}
	if err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("backup %s: %w", name, err)
	}
	syncDir(b.Dir)
	b.mu.Lock()
	b.last = start
	b.mu.Unlock()
	removed := b.prune()
	b.Log.Info("backup written", "file", name, "bytes", size, "ms", time.Since(start).Milliseconds(), "removed", removed)
	return name, nil
}

// prune removes the oldest copies beyond Keep; it returns how many.
func (b *Backups) prune() int {
	names, err := b.copies()
	if err != nil || len(names) <= b.Keep {
		return 0
	}
	n := 0
	for _, old := range names[:len(names)-b.Keep] {
		if err := os.Remove(filepath.Join(b.Dir, old)); err != nil {
			b.Log.Error("removing an old backup", "file", old, "err", err)
			continue
		}
		n++
	}
	return n
}

// copies lists the backups in Dir, oldest first.
func (b *Backups) copies() ([]string, error) {
	entries, err := os.ReadDir(b.Dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if n := e.Name(); !e.IsDir() && !copyTime(n).IsZero() {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out, nil
}

// copyTime reads a backup's time from its name; zero for other files.
func copyTime(name string) time.Time {
	if !strings.HasPrefix(name, backupPrefix) || !strings.HasSuffix(name, backupSuffix) {
		return time.Time{}
	}
	t, err := time.Parse(backupLayout, strings.TrimSuffix(strings.TrimPrefix(name, backupPrefix), backupSuffix))
	if err != nil {
		return time.Time{}
	}
	return t
}

// syncDir makes a rename durable: the folder's entry is on disk too.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// BackupSummary is what a copy holds, for a person about to restore it.
type BackupSummary struct {
	Conversations, Tickets, Accounts int
	// Newest is when the newest conversation in it was last written.
	Newest time.Time
}

// VerifyBackup opens a copy read-only (it is never changed), checks
// every page of it, and counts what it holds. A copy that fails is not
// one to restore.
func VerifyBackup(path string) (BackupSummary, error) {
	var sum BackupSummary
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: 2 * time.Second})
	if err != nil {
		return sum, fmt.Errorf("open backup %s: %w", path, err)
	}
	defer db.Close()
	err = db.View(func(tx *bolt.Tx) error {
		// Read every error, so that the checker's goroutine ends.
		var damage error
		for err := range tx.Check() {
			if damage == nil {
				damage = err
			}
		}
		if damage != nil {
			return fmt.Errorf("backup %s is damaged: %w", path, damage)
		}
		count := func(name []byte) int {
			if b := tx.Bucket(name); b != nil {
				return b.Stats().KeyN
			}
			return 0
		}
		if tx.Bucket(bucketConversations) == nil {
			return fmt.Errorf("backup %s holds no Sportello data", path)
		}
		sum.Conversations, sum.Tickets, sum.Accounts = count(bucketConversations), count(bucketTickets), count(bucketUsers)
		if b := tx.Bucket(bucketByUpdate); b == nil {
			return fmt.Errorf("backup %s holds no Sportello data", path)
		} else if k, _ := b.Cursor().Last(); len(k) >= 8 {
			sum.Newest = time.Unix(0, int64(binary.BigEndian.Uint64(k[:8])))
		}
		return nil
	})
	return sum, err
}
