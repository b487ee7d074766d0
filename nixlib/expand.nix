# The expansion as an import-from-derivation: the request is written without string
# context (so evaluating never builds an image or a file), the khepri host runs the
# expander plugin as the builder, and the response comes back as Nix values with the
# context of every store path it mentions restored.
#
# Images that the expansion says Nix fetches (image fetch "nix", from the image lock)
# become fixed-output derivations (image-fetch.nix), their containers' imageFile.
#
# With expansionFile (written by `khepri freeze`), the response is read from that file
# instead, and nothing is built: evaluation needs no import-from-derivation. The file
# answers one request, recognised by its SHA-256; for any other request the result is one
# assertion saying how to rewrite the file.
#
# Builtins only, so that it is tested with plain Nix and usable without nixpkgs.
{
  # The khepri package (or any path with bin/khepri), built for the build platform.
  khepri,
  # The expander plugin binary.
  plugin ? "${khepri}/bin/khepri-expander",
  # The build platform, on which the host runs.
  system,
  # "docker" or "podman".
  backend,
  # Compositions in request form (nixlib/expand-config.nix: toRequest).
  compositions,
  # Host-level networks and volumes (`khepri.networks`, `khepri.volumes`).
  networks ? { },
  volumes ? { },
  # A file written by `khepri freeze` for this request, or null to build the expansion.
  expansionFile ? null,
  # The image lock file `khepri lock` writes (`khepri.imageLock`), or null.
  imageLock ? null,
  # Whether an image the lock lacks is an error (`khepri.requireLockedImages`).
  requireLockedImages ? false,
  # How locked images reach the host: "registry" or "nix" (`khepri.imageFetch`).
  imageFetch ? "registry",
  # The platform the containers run on, `os/arch[/variant]`, for image fetch "nix".
  imagePlatform ? null,
  # A CA bundle (pkgs.cacert) for the image fetches from HTTPS registries, or null.
  cacert ? null,
}:
let
  inherit (builtins)
    concatMap
    filter
    fromJSON
    hasContext
    isAttrs
    isList
    isPath
    isString
    listToAttrs
    mapAttrs
    readFile
    split
    substring
    toFile
    unsafeDiscardStringContext
    ;

  isDerivation = v: isAttrs v && v.type or null == "derivation";

  # A dockerTools image derivation runs as `image = "<name>:<tag>"`, loaded from the store:
  # streamLayeredImage gives a script (`isExe`), the other builders an archive.
  imageToRequest =
    service:
    let
      image = service.image or null;
    in
    if !isDerivation image then
      service
    else
      service
      // {
        image = if image ? imageName && image ? imageTag then "${image.imageName}:${image.imageTag}" else "";
        ${if image.isExe or false then "imageStream" else "imageFile"} = image;
      };

  # The image settings are in the request only when set; unset, the plugin's defaults
  # apply (no lock, nothing required, pulled from the registry).
  request = {
    inherit backend networks volumes;
    compositions = mapAttrs (
      _: composition:
      composition // { services = mapAttrs (_: imageToRequest) (composition.services or { }); }
    ) compositions;
  }
  // (if imageLock == null then { } else { imageLock = fromJSON (readFile imageLock); })
  // (if imagePlatform == null then { } else { inherit imagePlatform; })
  // (if requireLockedImages then { inherit requireLockedImages; } else { })
  // (if imageFetch == "registry" then { } else { inherit imageFetch; });

  # Not builtins.toJSON: names in the request are data, outPath and __toString too.
  json = import ./json.nix request;

  storePathRegex = "(${builtins.storeDir}/[0-9a-z]{32}-[-.+_?=0-9a-zA-Z]+)";
  storePathsIn = s: concatMap (part: if isList part then part else [ ]) (split storePathRegex s);

  # Every string of the request that carries context, derivations as their output path.
  contextStrings =
    v:
    if isString v then
      (if hasContext v then [ v ] else [ ])
    else if isPath v then
      # toJSON copies a Nix path to the store, as this interpolation does.
      [ "${v}" ]
    else if isDerivation v then
      [ "${v}" ]
    else if isList v then
      concatMap contextStrings v
    else if isAttrs v then
      concatMap contextStrings (builtins.attrValues v)
    else
      [ ];

  # Store path -> a string that carries its context.
  contextOf = listToAttrs (
    concatMap (s: map (path: {
      name = path;
      value = s;
    }) (storePathsIn (unsafeDiscardStringContext s))) (if hasContext json then contextStrings request else [ ])
  );

  withContext =
    s:
    builtins.foldl' (
      acc: path: if contextOf ? ${path} then substring 0 0 contextOf.${path} + acc else acc
    ) s (storePathsIn s);

  restoreContext =
    v:
    if isString v then
      withContext v
    else if isList v then
      map restoreContext v
    else if isAttrs v then
      mapAttrs (_: restoreContext) v
    else
      v;

  expansion = derivation {
    name = "khepri-expansion.json";
    inherit system;
    builder = "${khepri}/bin/khepri";
    args = [
      "expand"
      "--plugin"
      plugin
      "--request"
      (toFile "khepri-request.json" (unsafeDiscardStringContext json))
      "--out"
      (builtins.placeholder "out")
    ];
  };

  requestSha256 = builtins.hashString "sha256" (unsafeDiscardStringContext json);
  frozen = fromJSON (readFile expansionFile);
  stale = {
    diagnostics = [
      {
        severity = "SEVERITY_ERROR";
        path = "khepri.expansionFile";
        message = "${toString expansionFile} is the expansion of other compositions (its request hash is ${
          frozen.requestSha256 or "missing"
        }, this request's is ${requestSha256}); rewrite it: nix eval --raw <configuration>.config.khepri.request | khepri freeze --request - --out <file>";
      }
    ];
  };
  raw =
    if expansionFile == null then
      fromJSON (readFile expansion)
    else if frozen.format or null == 1 && frozen.requestSha256 or null == requestSha256 then
      frozen.response
    else
      stale;
  response = if contextOf == { } then raw else restoreContext raw;

  imageFetches = response.imageFetches or { };
  fetchImage = import ./image-fetch.nix { inherit khepri system cacert; };

  diagnostics = response.diagnostics or [ ];
  render = d: "${d.path}: ${d.message}";
  withSeverity = severity: filter (d: d.severity or "" == severity) diagnostics;
in
{
  inherit backend expansion diagnostics;
  request = unsafeDiscardStringContext json;
  containers = mapAttrs (
    name: container:
    if imageFetches ? ${name} then
      container // { imageFile = fetchImage imageFetches.${name}; }
    else
      container
  ) (response.containers or { });
  containerUnits = response.containerUnits or { };
  services = response.services or { };
  # Units building services' images (compose build): they run `khepri build-image`.
  builds = response.builds or { };
  # Units keeping the images of scheduled pull policies current: they run `khepri
  # pull-images`, started by the timers of the same names.
  pulls = response.pulls or { };
  timers = response.timers or { };
  targets = response.targets or { };
  # The host ports rootless containers publish, for the host to check (nixos.nix).
  rootlessPorts = response.rootlessPorts or [ ];
  # What the khepri command reads (/etc/khepri/manifest.json), as the plugin wrote it.
  manifest = response.manifest or { compositions = { }; };
  assertions = map (d: {
    assertion = false;
    message = render d;
  }) (withSeverity "SEVERITY_ERROR");
  warnings = map render (withSeverity "SEVERITY_WARNING");
}
