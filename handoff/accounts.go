package handoff

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"
	"golang.org/x/crypto/argon2"

	"github.com/sportello/sportello"
)

var (
	bucketUsers    = []byte("users")
	bucketSessions = []byte("sessions")
)

// StaffRole is what a staff account may do.
type StaffRole string

// Staff roles.
const (
	StaffAdmin     StaffRole = "admin"
	StaffOperatore StaffRole = "operatore"
	StaffRedattore StaffRole = "redattore"
)

// ParseStaffRole checks a role name.
func ParseStaffRole(s string) (StaffRole, error) {
	switch r := StaffRole(strings.TrimSpace(s)); r {
	case StaffAdmin, StaffOperatore, StaffRedattore:
		return r, nil
	}
	return "", sportello.Errorf(sportello.EINVALID, "Ruolo %q non valido: usa admin, operatore o redattore.", s)
}

// User is a staff account.
type User struct {
	Name         string    `json:"name"`
	DisplayName  string    `json:"display_name,omitempty"`
	Role         StaffRole `json:"role"`
	PasswordHash string    `json:"password_hash"`
	CreatedAt    time.Time `json:"created_at"`
	Disabled     bool      `json:"disabled,omitempty"`
	FailedLogins int       `json:"failed_logins,omitempty"`
	LockedUntil  time.Time `json:"locked_until,omitzero"`
	// MustChange asks for a new password at the next sign-in (the
	// one-time admin password, a password set by an admin).
	MustChange bool `json:"must_change,omitempty"`
}

// Session is a signed-in browser. Only the hash of its token is stored.
type Session struct {
	TokenHash []byte    `json:"token_hash"`
	User      string    `json:"user"`
	CSRF      string    `json:"csrf"`
	CreatedAt time.Time `json:"created_at"`
	LastSeen  time.Time `json:"last_seen"`
}

// Accounts manages staff accounts and their sessions in the store.
type Accounts struct {
	Store *Store
	// MaxFailures wrong passwords in a row lock the account for LockFor.
	MaxFailures int
	LockFor     time.Duration
	// A session ends after SessionIdle without use or SessionMax in all.
	SessionIdle, SessionMax time.Duration
}

// NewAccounts returns the accounts of s with the defaults: 5 failures
// lock for 15 minutes; sessions last 8 hours idle, 12 in all.
func NewAccounts(s *Store) *Accounts {
	return &Accounts{Store: s, MaxFailures: 5, LockFor: 15 * time.Minute, SessionIdle: 8 * time.Hour, SessionMax: 12 * time.Hour}
}

// ValidateUserName checks an account name.
func ValidateUserName(name string) error {
	ok := len(name) >= 2 && len(name) <= 32
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_') {
			ok = false
		}
	}
	if !ok {
		return sportello.Errorf(sportello.EINVALID, "Nome utente non valido: da 2 a 32 caratteri tra lettere minuscole, cifre, punto, trattino e trattino basso.")
	}
	return nil
}

func validatePassword(pw string) error {
	if n := utf8.RuneCountInString(pw); n < 10 {
		return sportello.Errorf(sportello.EINVALID, "La password deve avere almeno 10 caratteri.")
	} else if len(pw) > 256 {
		return sportello.Errorf(sportello.EINVALID, "La password è troppo lunga (massimo 256 caratteri).")
	}
	return nil
}

// argon2id parameters (OWASP's minimum recommendation); stored in each
// hash, so they can be raised later without breaking old ones.
const (
	argonMemory  = 19 * 1024
	argonTime    = 2
	argonThreads = 1
)

// HashPassword returns the argon2id hash of pw in the PHC string format.
func HashPassword(pw string) string {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, 32)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=19$m=%d,t=%d,p=%d$%s$%s", argonMemory, argonTime, argonThreads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

// checkPassword tells whether pw matches an encoded argon2id hash.
func checkPassword(encoded, pw string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m == 0 || t == 0 || p == 0 {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is checked against when the user does not exist, so that a
// wrong name takes as long as a wrong password.
var dummyHash = HashPassword("sportello-no-such-user")

func getUser(tx *bolt.Tx, name string) (User, error) {
	var u User
	b := tx.Bucket(bucketUsers)
	var v []byte
	if b != nil {
		v = b.Get([]byte(name))
	}
	if v == nil {
		return u, sportello.Errorf(sportello.ENOTFOUND, "L'account %q non esiste.", name)
	}
	if err := json.Unmarshal(v, &u); err != nil {
		return u, fmt.Errorf("decode user %s: %w", name, err)
	}
	return u, nil
}

func putUser(tx *bolt.Tx, u User) error {
	b, err := tx.CreateBucketIfNotExists(bucketUsers)
	if err != nil {
		return err
	}
	v, err := json.Marshal(u)
	if err != nil {
		return err
	}
	return b.Put([]byte(u.Name), v)
}

func allUsers(tx *bolt.Tx) ([]User, error) {
	var out []User
	b := tx.Bucket(bucketUsers)
	if b == nil {
		return nil, nil
	}
	err := b.ForEach(func(_, v []byte) error {
		var u User
		if err := json.Unmarshal(v, &u); err != nil {
			return err
		}
		out = append(out, u)
		return nil
	})
	return out, err
}

// AddUser creates an account.
func (a *Accounts) AddUser(ctx context.Context, name, displayName string, role StaffRole, password string) (User, error) {
	if err := ValidateUserName(name); err != nil {
		return User{}, err
	}
	if _, err := ParseStaffRole(string(role)); err != nil {
		return User{}, err
	}
	if utf8.RuneCountInString(displayName) > 60 || strings.ContainsAny(displayName, "\r\n<>") {
		return User{}, sportello.Errorf(sportello.EINVALID, "Il nome visualizzato deve essere di al massimo 60 caratteri, senza a capo né < >.")
	}
	if err := validatePassword(password); err != nil {
		return User{}, err
	}
	u := User{Name: name, DisplayName: strings.TrimSpace(displayName), Role: role, PasswordHash: HashPassword(password), CreatedAt: a.Store.Now().UTC()}
	err := a.Store.db.Update(func(tx *bolt.Tx) error {
		if _, err := getUser(tx, name); err == nil {
			return sportello.Errorf(sportello.ECONFLICT, "L'account %q esiste già.", name)
		}
		return putUser(tx, u)
	})
	return u, err
}

// Users returns every account, by name.
func (a *Accounts) Users(ctx context.Context) ([]User, error) {
	var out []User
	err := a.Store.db.View(func(tx *bolt.Tx) error {
		var err error
		out, err = allUsers(tx)
		return err
	})
	slices.SortFunc(out, func(x, y User) int { return strings.Compare(x.Name, y.Name) })
	return out, err
}

// User returns one account.
func (a *Accounts) User(ctx context.Context, name string) (User, error) {
	var u User
	err := a.Store.db.View(func(tx *bolt.Tx) error {
		var err error
		u, err = getUser(tx, name)
		return err
	})
	return u, err
}

// HasUsers tells whether any account exists.
func (a *Accounts) HasUsers(ctx context.Context) (bool, error) {
	us, err := a.Users(ctx)
	return len(us) > 0, err
}

// EnsureAdmin creates the "admin" account with a random password when
// there are no accounts at all, and returns that password (once).
func (a *Accounts) EnsureAdmin(ctx context.Context) (string, error) {
	if has, err := a.HasUsers(ctx); err != nil || has {
		return "", err
	}
	pw := randomString(15)
	if _, err := a.AddUser(ctx, "admin", "Amministratore", StaffAdmin, pw); err != nil {
		return "", err
	}
	return pw, a.change("admin", func(u *User) (bool, error) { u.MustChange = true; return false, nil })
}

// change applies f to an account, refusing changes that would leave no
// enabled admin, and deletes the account's sessions when f says so.
func (a *Accounts) change(name string, f func(*User) (drop bool, err error)) error {
	return a.Store.db.Update(func(tx *bolt.Tx) error {
		u, err := getUser(tx, name)
		if err != nil {
			return err
		}
		wasAdmin := u.Role == StaffAdmin && !u.Disabled
		drop, err := f(&u)
		if err != nil {
			return err
		}
		if err := putUser(tx, u); err != nil {
			return err
		}
		if isAdmin := u.Role == StaffAdmin && !u.Disabled; wasAdmin && !isAdmin {
			if err := checkAdminLeft(tx); err != nil {
				return err
			}
		}
		if drop {
			return deleteSessionsOf(tx, name)
		}
		return nil
	})
}

func checkAdminLeft(tx *bolt.Tx) error {
	us, err := allUsers(tx)
	if err != nil {
		return err
	}
	for _, u := range us {
		if u.Role == StaffAdmin && !u.Disabled {
			return nil
		}
	}
	return sportello.Errorf(sportello.ECONFLICT, "Deve restare almeno un amministratore attivo.")
}

// SetPassword changes a password, lifts a lock-out and signs the account
// out everywhere. An admin setting someone's password (mustChange) asks
// them to choose their own at the next sign-in.
func (a *Accounts) SetPassword(ctx context.Context, name, password string) error {
	return a.setPassword(name, password, false)
}

// ResetPassword is SetPassword by an admin: the owner must change it.
func (a *Accounts) ResetPassword(ctx context.Context, name, password string) error {
	return a.setPassword(name, password, true)
}

func (a *Accounts) setPassword(name, password string, mustChange bool) error {
	if err := validatePassword(password); err != nil {
		return err
	}
	hash := HashPassword(password)
	return a.change(name, func(u *User) (bool, error) {
		u.PasswordHash, u.FailedLogins, u.LockedUntil, u.MustChange = hash, 0, time.Time{}, mustChange
		return true, nil
	})
}

// ChangeOwnPassword checks the current password, sets the new one and
// keeps only the session in use (keepToken) open.
func (a *Accounts) ChangeOwnPassword(ctx context.Context, name, current, next, keepToken string) error {
	u, err := a.User(ctx, name)
	if err != nil {
		return err
	}
	if !checkPassword(u.PasswordHash, current) {
		return sportello.Errorf(sportello.EINVALID, "La password attuale non è corretta.")
	}
	if current == next {
		return sportello.Errorf(sportello.EINVALID, "La nuova password deve essere diversa da quella attuale.")
	}
	if err := validatePassword(next); err != nil {
		return err
	}
	hash := HashPassword(next)
	keep := hashToken(keepToken)
	return a.Store.db.Update(func(tx *bolt.Tx) error {
		u, err := getUser(tx, name)
		if err != nil {
			return err
		}
		u.PasswordHash, u.MustChange = hash, false
		if err := putUser(tx, u); err != nil {
			return err
		}
		var kept []byte
		if b := tx.Bucket(bucketSessions); b != nil {
			kept = append(kept, b.Get(keep)...)
		}
		if err := deleteSessionsOf(tx, name); err != nil {
			return err
		}
		if len(kept) > 0 {
			return tx.Bucket(bucketSessions).Put(keep, kept)
		}
		return nil
	})
}

// SetRole changes an account's role; it applies at the next request.
func (a *Accounts) SetRole(ctx context.Context, name string, role StaffRole) error {
	if _, err := ParseStaffRole(string(role)); err != nil {
		return err
	}
	return a.change(name, func(u *User) (bool, error) { u.Role = role; return false, nil })
}

// SetDisabled disables (signing out) or re-enables an account.
func (a *Accounts) SetDisabled(ctx context.Context, name string, disabled bool) error {
	return a.change(name, func(u *User) (bool, error) { u.Disabled = disabled; return disabled, nil })
}

// DeleteUser removes an account and its sessions.
func (a *Accounts) DeleteUser(ctx context.Context, name string) error {
	return a.Store.db.Update(func(tx *bolt.Tx) error {
		u, err := getUser(tx, name)
		if err != nil {
			return err
		}
		if err := tx.Bucket(bucketUsers).Delete([]byte(name)); err != nil {
			return err
		}
		if u.Role == StaffAdmin && !u.Disabled {
			if err := checkAdminLeft(tx); err != nil {
				return err
			}
		}
		return deleteSessionsOf(tx, name)
	})
}
