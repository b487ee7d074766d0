# A build context's .dockerignore, read as docker reads it, for builtins.path's filter:
# an ignored file never reaches the store, and so never the builder.
#
# As docker (moby's ignorefile and patternmatcher): one pattern a line, `#` comments, `!`
# re-includes, a leading `/` dropped; `*` and `?` within a path segment, `**` across
# segments, `[…]` classes, `\` escapes; a pattern matching a directory matches what is
# under it; the last matching pattern wins. A directory that a `!` pattern may re-include
# from is kept (possibly empty), where docker leaves its empty directory out. Not read:
# the Dockerfile-specific `<Dockerfile>.dockerignore` of BuildKit.
{ lib }:
let
  inherit (builtins)
    filter
    foldl'
    length
    match
    substring
    ;

  # A character matched as itself.
  literal = c: if c == "^" || c == "\\" then "\\${c}" else "[${c}]";

  trim =
    s:
    let
      m = match "[[:space:]]*(.*[^[:space:]])?[[:space:]]*" s;
    in
    if m == null || builtins.head m == null then "" else builtins.head m;

  # The regular expression (POSIX extended) of one pattern, as patternmatcher compiles
  # it.
  toRegex =
    pattern:
    let
      chars = lib.stringToCharacters pattern;
      step =
        st: c:
        if st.skip > 0 then
          st // { skip = st.skip - 1; }
        else if st.escape then
          st
          // {
            escape = false;
            out = st.out + literal c;
          }
        else if st.class then
          st
          // {
            class = c != "]";
            out = st.out + (if c == "\\" then "\\\\" else c);
          }
        else if c == "*" then
          let
            next = st.at 1;
          in
          if next == "*" then
            # `**/` and a final `**` cross directories.
            if st.at 2 == "/" then
              st
              // {
                skip = 2;
                out = st.out + "(.*/)?";
              }
            else if st.at 2 == "" then
              st
              // {
                skip = 1;
                out = st.out + ".*";
              }
            else
              st
              // {
                skip = 1;
                out = st.out + "(.*/)?";
              }
          else
            st // { out = st.out + "[^/]*"; }
        else if c == "?" then
          st // { out = st.out + "[^/]"; }
        else if c == "\\" then
          st // { escape = true; }
        else if c == "[" then
          let
            negated = st.at 1 == "!" || st.at 1 == "^";
          in
          st
          // {
            class = true;
            skip = if negated then 1 else 0;
            out = st.out + (if negated then "[^" else "[");
          }
        else if lib.elem c [ "." "+" "(" ")" "|" "{" "}" "$" "^" "[" "]" "\\" ] then
          st // { out = st.out + literal c; }
        else
          st // { out = st.out + c; };
      # The fold visits characters in order; `at n` looks n ahead of the current one.
      run =
        foldl'
          (
            acc: c:
            let
              st = acc // {
                at = n: if acc.i + n < length chars then builtins.elemAt chars (acc.i + n) else "";
              };
            in
            (step st c) // { i = acc.i + 1; }
          )
          {
            i = 0;
            out = "";
            skip = 0;
            escape = false;
            class = false;
          }
          chars;
    in
    run.out;

  # The patterns of a .dockerignore's text, in order.
  parse =
    text:
    let
      lines = lib.splitString "\n" text;
      kept = filter (l: l != "" && substring 0 1 l != "#") (map trim lines);
      entry =
        line:
        let
          invert = substring 0 1 line == "!";
          raw = trim (if invert then substring 1 (builtins.stringLength line) line else line);
          clean = lib.removePrefix "/" (cleanPath raw);
        in
        {
          exclude = !invert;
          regex = toRegex clean;
          text = clean;
        };
    in
    map entry (filter (l: l != "!") kept);

  # filepath.Clean for the common cases: `.` segments, repeated and trailing slashes,
  # `a/..`.
  cleanPath =
    p:
    let
      segments = filter (s: s != "" && s != ".") (lib.splitString "/" p);
      folded = foldl' (
        acc: s: if s == ".." && acc != [ ] && lib.last acc != ".." then lib.init acc else acc ++ [ s ]
      ) [ ] segments;
      joined = lib.concatStringsSep "/" folded;
    in
    (if lib.hasPrefix "/" p then "/" else "") + (if joined == "" then "." else joined);

  # rel and each of its parent directories: a pattern matching a directory matches what
  # is under it.
  withParents =
    rel:
    let
      parts = lib.splitString "/" rel;
    in
    lib.genList (i: lib.concatStringsSep "/" (lib.take (i + 1) parts)) (length parts);

  ignored =
    patterns: rel:
    foldl' (
      acc: p: if lib.any (q: match p.regex q != null) (withParents rel) then p.exclude else acc
    ) false patterns;
in
{
  inherit parse toRegex;

  # filter root keep: the filter of builtins.path for the context root. keep lists the
  # paths (relative to root) that stay whatever the patterns say, as docker sends the
  # Dockerfile and .dockerignore to the builder anyway.
  filter =
    root: keep:
    let
      file = root + "/.dockerignore";
      patterns = if builtins.pathExists file then parse (builtins.readFile file) else [ ];
      reincludes = lib.any (p: !p.exclude) patterns;
      prefix = toString root + "/";
    in
    path: type:
    let
      rel = lib.removePrefix prefix (toString path);
      kept = lib.any (k: k == rel || lib.hasPrefix "${rel}/" k) keep;
    in
    patterns == [ ] || kept || !(ignored patterns rel) || (type == "directory" && reincludes);
}
