package dev.abg.spend.ledger;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The ledger's files (the database, the JSONL ledger, the journal) are created readable by their owner only: they hold
 * every session's spend and labels. Where the file system has no POSIX permissions, plainly.
 */
final class OwnerOnlyFile {

  private OwnerOnlyFile() {
  }

  /**
   * Creates {@code file} (owner read and write) and its missing parent directories, unless it exists.
   *
   * @param ownerOnlyDirectories the parent directories created are owner-only too
   */
  static void create(Path file, boolean ownerOnlyDirectories) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    if (dir != null && !Files.isDirectory(dir)) {
      try {
        if (ownerOnlyDirectories) {
          Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } else {
          Files.createDirectories(dir);
        }
      } catch (UnsupportedOperationException e) {
        Files.createDirectories(dir);
      }
    }
    if (!Files.exists(file)) {
      try {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (UnsupportedOperationException e) {
        Files.createFile(file);
      } catch (FileAlreadyExistsException ignored) {
        // created by someone else meanwhile: fine
      }
    }
  }
}
