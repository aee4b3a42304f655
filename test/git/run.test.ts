import { describeGitRunner } from '../helpers/git-runner-cases.js';

describeGitRunner('the git runner, starting git itself');
