package schede

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"time"
)

// Watcher polls a folder on disk and reloads it when a file is added,
// changed or removed. Polling (rather than inotify) also works on network
// shares and with editors that save by renaming, and costs a stat per
// file per tick.
type Watcher struct {
	Dir      string
	Loader   *Loader
	Interval time.Duration
	Logger   *slog.Logger
	// OnLoad receives each new snapshot and its problems.
	OnLoad func(*Set, []Problem)

	last string
}

// NewWatcher returns a Watcher for dir, polling twice a second.
func NewWatcher(dir string, logger *slog.Logger, onLoad func(*Set, []Problem)) *Watcher {
	fsys := os.DirFS(dir)
	l := NewLoader(fsys)
	l.Stamp = func(name string) string {
		fi, err := fs.Stat(fsys, name)
		if err != nil {
			return ""
		}
		return fmt.Sprintf("%d/%d", fi.Size(), fi.ModTime().UnixNano())
	}
	return &Watcher{Dir: dir, Loader: l, Interval: 500 * time.Millisecond, Logger: logger, OnLoad: onLoad}
}

// Load loads the folder now and hands the result to OnLoad.
func (w *Watcher) Load() error {
	w.last = w.fingerprint()
	set, problems, err := w.Loader.Load()
	if err != nil {
		return err
	}
	for _, p := range problems {
		level := slog.LevelWarn
		if p.Severity == Error {
			level = slog.LevelError
		}
		w.Logger.Log(context.Background(), level, "scheda problem", "file", p.File, "line", p.Line, "problem", p.Message)
	}
	w.OnLoad(set, problems)
	return nil
}

// Run polls until ctx is done.
func (w *Watcher) Run(ctx context.Context) {
	t := time.NewTicker(w.Interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if fp := w.fingerprint(); fp != w.last {
			if err := w.Load(); err != nil {
				w.Logger.Error("reload schede", "dir", w.Dir, "err", err)
				continue
			}
			w.Logger.Info("schede reloaded", "dir", w.Dir)
		}
	}
}

// fingerprint summarises names, sizes and times of the folder's files.
func (w *Watcher) fingerprint() string {
	h := sha256.New()
	fsys := w.Loader.FS
	names, _ := Files(fsys)
	names = append(names, SynonymsFile)
	for _, n := range names {
		if fi, err := fs.Stat(fsys, n); err == nil {
			fmt.Fprintf(h, "%s\x00%d\x00%d\n", n, fi.Size(), fi.ModTime().UnixNano())
		}
	}
	return string(h.Sum(nil))
}
