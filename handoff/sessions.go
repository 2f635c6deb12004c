package handoff

import (
	"context"
	"encoding/json"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/sportello/sportello"
)

var errBadLogin = sportello.Errorf(sportello.EUNAUTHORIZED, "Nome utente o password non corretti.")

// Login checks a name and password and opens a session, returning its
// token (for the cookie). Repeated failures lock the account.
func (a *Accounts) Login(ctx context.Context, name, password string) (Session, string, error) {
	now := a.Store.Now()
	var u User
	err := a.Store.db.View(func(tx *bolt.Tx) error {
		var err error
		u, err = getUser(tx, name)
		return err
	})
	if sportello.ErrorCode(err) == sportello.ENOTFOUND {
		checkPassword(dummyHash, password)
		return Session{}, "", errBadLogin
	} else if err != nil {
		return Session{}, "", err
	}
	if u.LockedUntil.After(now) {
		return Session{}, "", sportello.Errorf(sportello.ERATELIMIT, "Troppi tentativi sbagliati: l'account è bloccato fino alle %s.", u.LockedUntil.In(Rome()).Format("15:04"))
	}
	if !checkPassword(u.PasswordHash, password) || u.Disabled {
		err := a.change(name, func(u *User) (bool, error) {
			u.FailedLogins++
			if u.FailedLogins >= a.MaxFailures {
				u.LockedUntil, u.FailedLogins = now.Add(a.LockFor).UTC(), 0
			}
			return false, nil
		})
		if err != nil {
			return Session{}, "", err
		}
		return Session{}, "", errBadLogin
	}
	token := randomString(32)
	sess := Session{TokenHash: hashToken(token), User: name, CSRF: randomString(24), CreatedAt: now.UTC(), LastSeen: now.UTC()}
	err = a.Store.db.Update(func(tx *bolt.Tx) error {
		u, err := getUser(tx, name)
		if err != nil {
			return err
		}
		u.FailedLogins, u.LockedUntil = 0, time.Time{}
		if err := putUser(tx, u); err != nil {
			return err
		}
		return putSession(tx, sess)
	})
	if err != nil {
		return Session{}, "", err
	}
	return sess, token, nil
}

func putSession(tx *bolt.Tx, s Session) error {
	b, err := tx.CreateBucketIfNotExists(bucketSessions)
	if err != nil {
		return err
	}
	v, err := json.Marshal(s)
	if err != nil {
		return err
	}
	return b.Put(s.TokenHash, v)
}

func deleteSessionsOf(tx *bolt.Tx, name string) error {
	b := tx.Bucket(bucketSessions)
	if b == nil {
		return nil
	}
	var doomed [][]byte
	err := b.ForEach(func(k, v []byte) error {
		var s Session
		if json.Unmarshal(v, &s) != nil || s.User == name {
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
	}
	return nil
}

var errSession = sportello.Errorf(sportello.EUNAUTHORIZED, "Sessione scaduta: accedi di nuovo.")

// Session returns the session of token and its (current) account. The
// role is read from the account, so a change applies at once.
func (a *Accounts) Session(ctx context.Context, token string) (Session, User, error) {
	if token == "" {
		return Session{}, User{}, errSession
	}
	key := hashToken(token)
	now := a.Store.Now()
	var s Session
	var u User
	err := a.Store.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSessions)
		var v []byte
		if b != nil {
			v = b.Get(key)
		}
		if v == nil {
			return errSession
		}
		if err := json.Unmarshal(v, &s); err != nil {
			return errSession
		}
		var err error
		if u, err = getUser(tx, s.User); err != nil || u.Disabled {
			return errSession
		}
		return nil
	})
	if err != nil {
		return Session{}, User{}, err
	}
	if now.Sub(s.LastSeen) > a.SessionIdle || now.Sub(s.CreatedAt) > a.SessionMax {
		_ = a.Logout(ctx, token)
		return Session{}, User{}, errSession
	}
	if now.Sub(s.LastSeen) > time.Minute { // one write a minute, not one per request
		s.LastSeen = now.UTC()
		if err := a.Store.db.Update(func(tx *bolt.Tx) error { return putSession(tx, s) }); err != nil {
			return Session{}, User{}, err
		}
	}
	return s, u, nil
}

// Logout ends a session.
func (a *Accounts) Logout(ctx context.Context, token string) error {
	return a.Store.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSessions)
		if b == nil {
			return nil
		}
		return b.Delete(hashToken(token))
	})
}
