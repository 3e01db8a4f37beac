// .mlpackage / .mlmodel -> .mlmodelc, compiled once and cached at a stable path.
//
// Cache entry: <cacheDir>/<stem>-<hash(source path)>-<hash(path, newest mtime, total size)>.mlmodelc
// The path stays the same while the source is unchanged, so CoreML's own (OS-managed) device
// specialization cache, which is keyed by the model path, keeps working across sessions.
// Installation is atomic (compile to a temp dir, move next to the cache entry, rename(2) into place),
// so concurrent workers/processes never see a half-written entry; a loser of the race uses the winner's.
#include "pocket_coreml.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace pocket {

namespace {

uint64_t Fnv1a(const std::string& text) {
  uint64_t hash = 1469598103934665603ull;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

std::string Hex(uint64_t value) {
  char buffer[17];
  std::snprintf(buffer, sizeof(buffer), "%016llx", static_cast<unsigned long long>(value));
  return buffer;
}

// Newest modification time (ns) and total size of a file, or of every entry of a package directory.
void SourceStamp(NSString* path, int64_t* newestMtime, int64_t* totalSize) {
  *newestMtime = 0;
  *totalSize = 0;
  auto visit = [&](NSString* p) {
    struct stat st;
    if (stat(p.fileSystemRepresentation, &st) != 0) return;
    const int64_t mtime = static_cast<int64_t>(st.st_mtimespec.tv_sec) * 1000000000 + st.st_mtimespec.tv_nsec;
    if (mtime > *newestMtime) *newestMtime = mtime;
    if (S_ISREG(st.st_mode)) *totalSize += static_cast<int64_t>(st.st_size);
  };
  visit(path);
  BOOL isDirectory = NO;
  if ([NSFileManager.defaultManager fileExistsAtPath:path isDirectory:&isDirectory] && isDirectory) {
    NSDirectoryEnumerator* entries = [NSFileManager.defaultManager enumeratorAtPath:path];
    for (NSString* relative in entries) visit([path stringByAppendingPathComponent:relative]);
  }
}

NSString* AbsolutePath(const std::string& path) {
  NSString* p = @(path.c_str());
  if (!p.isAbsolutePath) p = [NSFileManager.defaultManager.currentDirectoryPath stringByAppendingPathComponent:p];
  return p.stringByStandardizingPath;
}

NSString* DefaultCacheDir() {
  NSString* caches = NSSearchPathForDirectoriesInDomains(NSCachesDirectory, NSUserDomainMask, YES).firstObject;
  if (caches == nil) caches = NSTemporaryDirectory();
  return [caches stringByAppendingPathComponent:@"pocket-coreml"];
}

}  // namespace

NSURL* CompiledModelURL(const std::string& path, const std::string& cacheDir, std::string* error) {
  NSFileManager* fm = NSFileManager.defaultManager;
  NSString* source = AbsolutePath(path);
  if (source == nil || ![fm fileExistsAtPath:source]) {
    *error = "model not found: " + path;
    return nil;
  }
  NSString* ext = source.pathExtension.lowercaseString;
  if ([ext isEqualToString:@"mlmodelc"]) return [NSURL fileURLWithPath:source isDirectory:YES];
  if (![ext isEqualToString:@"mlpackage"] && ![ext isEqualToString:@"mlmodel"]) {
    *error = "unsupported model file (expected .mlmodelc, .mlpackage or .mlmodel): " + path;
    return nil;
  }

  NSString* dir = cacheDir.empty() ? DefaultCacheDir() : AbsolutePath(cacheDir);
  NSError* nsError = nil;
  if (![fm createDirectoryAtPath:dir withIntermediateDirectories:YES attributes:nil error:&nsError]) {
    *error = "cannot create the model cache directory: " + ErrorMessage(nsError, std::string(dir.UTF8String));
    return nil;
  }

  int64_t mtime = 0;
  int64_t size = 0;
  SourceStamp(source, &mtime, &size);
  const std::string sourceKey = source.UTF8String;
  const std::string prefix = std::string(source.lastPathComponent.stringByDeletingPathExtension.UTF8String) + "-" +
                             Hex(Fnv1a(sourceKey)) + "-";
  const std::string name =
      prefix + Hex(Fnv1a(sourceKey + "|" + std::to_string(mtime) + "|" + std::to_string(size))) + ".mlmodelc";
  NSString* finalPath = [dir stringByAppendingPathComponent:@(name.c_str())];
  if ([fm fileExistsAtPath:finalPath]) return [NSURL fileURLWithPath:finalPath isDirectory:YES];

  // Cache miss: compile (CoreML writes to a temporary directory that we must move away from).
  NSURL* temporary = [MLModel compileModelAtURL:[NSURL fileURLWithPath:source] error:&nsError];
  if (temporary == nil) {
    *error = "compiling the model failed: " + ErrorMessage(nsError, "unknown error");
    return nil;
  }
  NSString* partial = [dir stringByAppendingPathComponent:[NSString stringWithFormat:@".%@.partial-%@", @(name.c_str()),
                                                                                      NSUUID.UUID.UUIDString]];
  if (![fm moveItemAtURL:temporary toURL:[NSURL fileURLWithPath:partial isDirectory:YES] error:&nsError]) {
    [fm removeItemAtURL:temporary error:nil];
    *error = "cannot move the compiled model into the cache: " + ErrorMessage(nsError, "unknown error");
    return nil;
  }
  if (rename(partial.fileSystemRepresentation, finalPath.fileSystemRepresentation) != 0) {
    const int renameErrno = errno;
    [fm removeItemAtPath:partial error:nil];
    if (![fm fileExistsAtPath:finalPath]) {  // not just another worker having won the race
      *error = std::string("cannot install the compiled model: ") + std::strerror(renameErrno);
      return nil;
    }
  }

  // Drop entries compiled from older versions of the same source (same stem and path hash).
  for (NSString* entry in [fm contentsOfDirectoryAtPath:dir error:nil]) {
    const std::string e = entry.UTF8String;
    if (e != name && e.rfind(prefix, 0) == 0 && [entry hasSuffix:@".mlmodelc"]) {
      [fm removeItemAtPath:[dir stringByAppendingPathComponent:entry] error:nil];
    }
  }
  return [NSURL fileURLWithPath:finalPath isDirectory:YES];
}

}  // namespace pocket
