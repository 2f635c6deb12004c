package handoff

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestBackupIsAConsistentCopyWhileMessagesArrive(t *testing.T) {
	s, _ := openStore(t)
	ctx := context.Background()
	c, _, err := s.CreateConversation(ctx)
	if err != nil {
		t.Fatal(err)
	}
	before := 50
	for i := range before {
		if _, _, err := s.Append(ctx, c.ID, []Message{{Role: RoleCitizen, Text: fmt.Sprintf("domanda %d", i)}}, nil); err != nil {
			t.Fatal(err)
		}
	}
	// Citizens keep writing while the copy is made.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if _, _, err := s.Append(ctx, c.ID, []Message{{Role: RoleCitizen, Text: fmt.Sprintf("durante %d", i)}}, nil); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	path := filepath.Join(t.TempDir(), "copia.db")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	n, err := s.Backup(f)
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	if fi, _ := os.Stat(path); fi.Size() != n {
		t.Errorf("copy: %d bytes on disk, %d reported", fi.Size(), n)
	}

	copied, err := Open(path)
	if err != nil {
		t.Fatalf("the copy does not open: %v", err)
	}
	defer copied.Close()
	msgs, err := copied.Messages(ctx, c.ID, 0, 100000)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) < before {
		t.Fatalf("the copy has %d messages, want at least the %d written before it", len(msgs), before)
	}
	for i, m := range msgs {
		if m.Seq != uint64(i+1) {
			t.Fatalf("message %d of the copy has seq %d: the copy is torn", i, m.Seq)
		}
	}
	conv, err := copied.Conversation(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if conv.LastSeq != msgs[len(msgs)-1].Seq {
		t.Errorf("the copy's conversation says %d messages, its messages end at %d", conv.LastSeq, msgs[len(msgs)-1].Seq)
	}
}

func TestBackupsAreMadeOnScheduleAndTheOldestRemoved(t *testing.T) {
	s, _ := openStore(t)
	dir := filepath.Join(t.TempDir(), "backup")
	var mu sync.Mutex
	now := time.Date(2026, 12, 1, 3, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	b := &Backups{Store: s, Dir: dir, Every: 24 * time.Hour, Keep: 3, Now: clock, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}

	list := func() []string {
		t.Helper()
		names, err := b.copies()
		if err != nil {
			t.Fatal(err)
		}
		return names
	}
	for range 5 {
		if _, err := b.Once(); err != nil {
			t.Fatal(err)
		}
		advance(24 * time.Hour)
	}
	// Files that are not copies stay, and do not count.
	os.WriteFile(filepath.Join(dir, ".backup-123.tmp"), []byte("half"), 0o600)
	os.WriteFile(filepath.Join(dir, "LEGGIMI.txt"), []byte("copie di Sportello"), 0o600)
	got := list()
	want := []string{"sportello-20261203T030000Z.db", "sportello-20261204T030000Z.db", "sportello-20261205T030000Z.db"}
	if !slices.Equal(got, want) {
		t.Fatalf("copies kept: got %v, want %v", got, want)
	}
	if _, err := os.Stat(filepath.Join(dir, "LEGGIMI.txt")); err != nil {
		t.Error("a file that is not a copy was removed")
	}

	t.Run("a restart does not copy again before it is due", func(t *testing.T) {
		fresh := &Backups{Store: s, Dir: dir, Every: 24 * time.Hour, Keep: 3, Now: clock, Log: b.Log}
		// The newest copy is a day old (the clock moved on after it):
		// set it back to an hour after the copy.
		advance(-23 * time.Hour)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { fresh.Run(ctx, 5*time.Millisecond); close(done) }()
		time.Sleep(100 * time.Millisecond)
		if got := list(); !slices.Equal(got, want) {
			t.Errorf("a copy was made before it was due: %v", got)
		}
		advance(24 * time.Hour)
		deadline := time.Now().Add(5 * time.Second)
		for len(list()) == 3 && list()[2] == want[2] && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		cancel()
		<-done
		got := list()
		if len(got) != 3 || got[2] != "sportello-20261206T040000Z.db" {
			t.Errorf("after a day: got %v, want the newest three ending with the copy of 2026-12-06 04:00", got)
		}
		if fresh.Last().IsZero() {
			t.Error("Last is not set after a copy")
		}
	})
}

func TestABackupThatFailsIsRetriedAQuarterOfAnHourLater(t *testing.T) {
	s, _ := openStore(t)
	// A file where the folder should be: every copy fails.
	blocked := filepath.Join(t.TempDir(), "backup")
	if err := os.WriteFile(blocked, []byte("not a folder"), 0o600); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	now := time.Date(2026, 12, 1, 3, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	var logs lockedBuffer
	b := &Backups{Store: s, Dir: blocked, Every: 24 * time.Hour, Keep: 3, Now: clock, Log: slog.New(slog.NewJSONHandler(&logs, nil))}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { b.Run(ctx, 2*time.Millisecond); close(done) }()
	time.Sleep(100 * time.Millisecond)
	if n := logs.count("backup failed"); n != 1 {
		t.Errorf("%d failures logged in the first minutes, want 1", n)
	}
	mu.Lock()
	now = now.Add(16 * time.Minute)
	mu.Unlock()
	deadline := time.Now().Add(5 * time.Second)
	for logs.count("backup failed") < 2 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	<-done
	if n := logs.count("backup failed"); n != 2 {
		t.Errorf("%d failures logged after a quarter of an hour, want 2", n)
	}
}

// lockedBuffer is a log written by one goroutine and read by another.
type lockedBuffer struct {
	mu  sync.Mutex
	buf []byte
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf = append(l.buf, p...)
	return len(p), nil
}

func (l *lockedBuffer) count(s string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Count(string(l.buf), s)
}
