package web

import (
	"context"
	"errors"
	"net/url"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
	"github.com/labstack/echo/v4"

	"github.com/sportello/sportello"
	"github.com/sportello/sportello/handoff"
)

const (
	wsPingEvery  = 30 * time.Second
	wsWriteLimit = 10 * time.Second
	wsReadLimit  = 8 << 10
)

// wsFrame is what a client sends over the WebSocket.
type wsFrame struct {
	Type     string `json:"type"`
	Text     string `json:"text"`
	ClientID string `json:"client_id"`
	CardID   string `json:"card_id"`
}

// conversationWS pushes a conversation's messages and events and takes
// sends. The client says the last seq it has; it first gets everything
// after it from the store, then live events, skipping any message it
// already got, so a reconnect loses nothing and repeats nothing.
func (s *Server) conversationWS(c echo.Context) error {
	conv, err := s.conversation(c, c.QueryParam("token"))
	if err != nil {
		return err
	}
	after, err := parseAfter(c.QueryParam("after"))
	if err != nil {
		return err
	}
	conn, err := websocket.Accept(c.Response(), c.Request(), &websocket.AcceptOptions{OriginPatterns: s.originHosts()})
	if err != nil {
		return nil // Accept has written the HTTP error
	}
	conn.SetReadLimit(wsReadLimit)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	defer conn.CloseNow()

	sub := s.hub.Subscribe(conv.ID)
	defer s.hub.Unsubscribe(sub)
	backlog, err := s.store.Messages(ctx, conv.ID, after, 1000)
	if err != nil {
		conn.Close(websocket.StatusInternalError, "store")
		return nil
	}
	last := after
	write := func(v any) error {
		wctx, wcancel := context.WithTimeout(ctx, wsWriteLimit)
		defer wcancel()
		return wsjson.Write(wctx, conn, v)
	}
	for _, m := range backlog {
		if m.Internal {
			last = m.Seq
			continue
		}
		if err := write(map[string]any{"type": "message", "message": view(m)}); err != nil {
			return nil
		}
		last = m.Seq
	}

	// Reads run in their own goroutine; writes stay here, one at a time.
	frames := readFrames[wsFrame](ctx, cancel, conn)
	ping := time.NewTicker(wsPingEvery)
	defer ping.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-s.stopping:
			conn.Close(websocket.StatusGoingAway, "server shutting down")
			return nil
		case ev, ok := <-sub.C:
			if !ok {
				conn.Close(websocket.StatusTryAgainLater, "slow consumer: reconnect")
				return nil
			}
			if ev.Type == "message" {
				msgs, err := s.catchUp(ctx, conv.ID, last, *ev.Message)
				if err != nil {
					conn.Close(websocket.StatusInternalError, "store")
					return nil
				}
				for _, m := range msgs {
					last = m.Seq
					if m.Internal {
						continue
					}
					if err := write(map[string]any{"type": "message", "message": view(m)}); err != nil {
						return nil
					}
				}
				continue
			}
			if err := write(ev); err != nil {
				return nil
			}
		case f := <-frames:
			if f.Type == "typing" {
				s.desk.Typing(conv.ID, "citizen")
				continue
			}
			if f.Type != "send" {
				continue
			}
			if _, err := s.send(c, conv, sendRequest{Text: f.Text, ClientID: f.ClientID, CardID: f.CardID}); err != nil {
				var rl *rateLimited
				body := map[string]any{"type": "error", "error": sportello.ErrorCode(err), "message": sportello.ErrorMessage(err)}
				if errors.As(err, &rl) {
					body["retry_after"] = rl.retryAfter
				}
				if sportello.ErrorCode(err) == sportello.EINTERNAL {
					s.log.Error("ws send", "conversation", conv.ID, "err", err)
				}
				if err := write(body); err != nil {
					return nil
				}
			}
		case <-ping.C:
			pctx, pcancel := context.WithTimeout(ctx, wsWriteLimit)
			err := conn.Ping(pctx)
			pcancel()
			if err != nil {
				return nil
			}
		}
	}
}

// readFrames reads JSON frames from conn in a goroutine until the
// connection or ctx ends, then cancels ctx: the handler's loop writes,
// one at a time, and learns of a closed socket from ctx.
func readFrames[T any](ctx context.Context, cancel context.CancelFunc, conn *websocket.Conn) <-chan T {
	frames := make(chan T)
	go func() {
		defer cancel()
		for {
			var f T
			if err := wsjson.Read(ctx, conn, &f); err != nil {
				return
			}
			select {
			case frames <- f:
			case <-ctx.Done():
				return
			}
		}
	}()
	return frames
}

// catchUp returns what to push after a live message m when the client
// has everything up to last: nothing if m is old, m alone if it is next,
// else the gap from the store, in order. Two writers in one chat (the
// citizen and an operator) can publish out of seq order; this keeps
// every client's stream exactly once and in order.
func (s *Server) catchUp(ctx context.Context, convID string, last uint64, m handoff.Message) ([]handoff.Message, error) {
	switch {
	case m.Seq <= last:
		return nil, nil
	case m.Seq == last+1:
		return []handoff.Message{m}, nil
	}
	return s.store.Messages(ctx, convID, last, 1000)
}

// originHosts turns the configured portal origins into the host patterns
// the WebSocket origin check takes.
func (s *Server) originHosts() []string {
	var hosts []string
	for _, o := range s.opts.PortalOrigins {
		if u, err := url.Parse(o); err == nil && u.Host != "" {
			hosts = append(hosts, u.Host)
		}
	}
	return hosts
}
