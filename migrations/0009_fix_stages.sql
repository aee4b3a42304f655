-- Up Migration
-- Generation and validation are separate stages: a row is written when candidates are generated
-- and updated with the verdict; a fix nothing broke but no test proved is 'unproven'.
ALTER TABLE fix_results DROP CONSTRAINT IF EXISTS fix_results_status_check;
ALTER TABLE fix_results ADD CONSTRAINT fix_results_status_check CHECK (status IN ('generated', 'pass', 'unproven', 'no_fix'));

-- Down Migration
ALTER TABLE fix_results DROP CONSTRAINT IF EXISTS fix_results_status_check;
ALTER TABLE fix_results ADD CONSTRAINT fix_results_status_check CHECK (status IN ('pass', 'no_fix'));
