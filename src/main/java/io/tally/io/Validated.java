package io.tally.io;

/** A record with rules across its fields, checked once every field is read (by {@link Json#read}). */
public interface Validated {
    /** @throws InvalidRecordException naming the field that breaks a rule, as a dotted path */
    void validate() throws InvalidRecordException;
}
