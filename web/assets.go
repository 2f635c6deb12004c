package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/labstack/echo/v4"
)

//go:embed static
var staticFS embed.FS

//go:embed templates
var templateFS embed.FS

// asset is one embedded static file, with its content hash and a gzipped
// copy made once at start.
type asset struct {
	name  string
	data  []byte
	gz    []byte
	hash  string
	ctype string
}

// assets are served under hashed URLs ("/static/portal.1a2b3c4d.css")
// cached for a year; widget.js keeps its plain URL, the one portals put in
// their pages, with revalidation by ETag.
type assets struct {
	byURL  map[string]*asset
	byName map[string]*asset
}

func loadAssets() (*assets, error) {
	a := &assets{byURL: map[string]*asset{}, byName: map[string]*asset{}}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		name := path.Base(p)
		ext := path.Ext(name)
		as := &asset{name: name, data: data, hash: hex.EncodeToString(sum[:4]), ctype: mime.TypeByExtension(ext)}
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		zw.Write(data)
		zw.Close()
		as.gz = buf.Bytes()
		a.byName[name] = as
		a.byURL[strings.TrimSuffix(name, ext)+"."+as.hash+ext] = as
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load static assets: %w", err)
	}
	return a, nil
}

// URL returns the hashed URL of a static file.
func (a *assets) URL(name string) string {
	as := a.byName[name]
	if as == nil {
		return "/static/" + name
	}
	ext := path.Ext(name)
	return "/static/" + strings.TrimSuffix(name, ext) + "." + as.hash + ext
}

func (s *Server) staticFile(c echo.Context) error {
	as := s.assets.byURL[c.Param("file")]
	if as == nil {
		return echo.ErrNotFound
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	return serveAsset(c, as)
}

func (s *Server) widgetJS(c echo.Context) error {
	as := s.assets.byName["widget.js"]
	if as == nil {
		return echo.ErrNotFound
	}
	if o := refererOrigin(c.Request().Referer()); o != "" && !s.allowedOrigin(o, c.Request().Host) {
		s.noteRefused(o, "widget.js")
	}
	h := c.Response().Header()
	h.Set("Cache-Control", "public, max-age=300")
	h.Set("ETag", `"`+as.hash+`"`)
	// Portals of other origins load the script with a plain <script> tag.
	h.Set("Cross-Origin-Resource-Policy", "cross-origin")
	if c.Request().Header.Get("If-None-Match") == `"`+as.hash+`"` {
		return c.NoContent(http.StatusNotModified)
	}
	return serveAsset(c, as)
}

func serveAsset(c echo.Context, as *asset) error {
	h := c.Response().Header()
	h.Add("Vary", "Accept-Encoding")
	if strings.Contains(c.Request().Header.Get("Accept-Encoding"), "gzip") {
		h.Set("Content-Encoding", "gzip")
		return c.Blob(http.StatusOK, as.ctype, as.gz)
	}
	return c.Blob(http.StatusOK, as.ctype, as.data)
}
