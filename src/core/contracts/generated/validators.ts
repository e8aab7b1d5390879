// Generated from schemas/*.schema.json by scripts/gen-validators.mjs. Do not edit by hand.
// @ts-nocheck
/* eslint-disable */
import * as runtime0 from 'ajv/dist/runtime/equal';
import * as runtime1 from 'ajv/dist/runtime/ucs2length';

export const episodeRecord = validate20;
const schema31 = {"$schema":"https://json-schema.org/draft/2020-12/schema","$id":"https://schemas.ptlab.invalid/episode-record.schema.json","title":"Post-Training Lab episode record (one line of episodes.jsonl)","description":"One whole multi-turn episode (sequential revision): the first turn carries the full prompt, each later turn only what it appends. Written for every training rollout episode and every evaluation episode. The transcript viewer also reads other trainers' rollout dumps as records of this shape, marked by `source` (never written by ptlab): those may lack what the dump does not know (seed, environment, success, and a reward when the dump does not say which of its columns are rewards).","type":"object","required":["runId","step","split","episode","turns"],"additionalProperties":false,"properties":{"runId":{"type":"string","minLength":1},"step":{"type":"integer","minimum":0,"description":"Global training step at which the episode ran."},"split":{"type":"string","minLength":1,"description":"`train` for rollout episodes, else the evaluation split's name."},"splitKind":{"enum":["train","id","rule-ood","visual-ood"]},"checkpoint":{"type":"string","description":"Checkpoint that played the episode, relative to the run folder."},"episode":{"type":"integer","minimum":0,"description":"Index within the split at this step."},"seed":{"type":"integer","minimum":0,"maximum":4294967295,"description":"Seed that reproduces the episode's state in both languages."},"environment":{"type":"object","required":["env"],"properties":{"env":{"enum":["generalpoints","virl"]}},"description":"The environment variant (experiment.schema.json#/$defs/environment) with every key filled in."},"state":{"$ref":"#/$defs/state"},"image":{"type":"string","description":"Observation image of the first turn, relative to the run folder."},"turns":{"type":"array","minItems":1,"items":{"$ref":"#/$defs/turn"}},"success":{"type":"boolean"},"totalReward":{"type":"number","description":"The episode's reward (the sum of its turns'). Another trainer's episode (`source`) lacks it when its files do not say which columns are rewards."},"failureMode":{"$ref":"#/$defs/failureMode","description":"Failure mode of the last failed attempt when the episode failed."},"truncated":{"type":"boolean","description":"Ended by the attempt budget rather than by success."},"source":{"type":"object","description":"Set only on an episode read from another trainer's files by the transcript viewer: which file and row it came from, and the row's fields that no other field of the record holds.","required":["format","file","row"],"additionalProperties":false,"properties":{"format":{"enum":["trl-completions","verl-generations"],"description":"`trl-completions`: a row of TRL GRPOTrainer's completions/completions_<step>.parquet (log_completions); `verl-generations`: a line of verl's <step>.jsonl rollout or validation dump."},"file":{"type":"string","minLength":1,"description":"The file, relative to the folder opened."},"row":{"type":"integer","minimum":0,"description":"0-based row of the parquet file or line of the JSONL file."},"fields":{"type":"object","description":"The row's other columns as the source wrote them: reward functions' scores, advantage, ground truth, reward extras.","additionalProperties":true}}}},"if":{"not":{"required":["source"]}},"then":{"required":["seed","environment","success","totalReward"],"properties":{"turns":{"items":{"required":["reward"]}}}},"$defs":{"state":{"description":"What the episode is about: the hand (GeneralPoints) or the route and position (V-IRL).","oneOf":[{"type":"object","title":"GeneralPoints hand","required":["cards","values"],"additionalProperties":false,"properties":{"cards":{"type":"array","items":{"enum":["A","2","3","4","5","6","7","8","9","10","J","Q","K"]},"minItems":4,"maxItems":4},"suits":{"type":"array","items":{"enum":["spades","clubs","hearts","diamonds"]},"minItems":4,"maxItems":4},"values":{"type":"array","items":{"type":"integer","minimum":1,"maximum":13},"minItems":4,"maxItems":4},"solutions":{"type":"array","items":{"type":"string"},"description":"Solver solutions (possibly truncated)."}}},{"type":"object","title":"V-IRL route","required":["routeId","position"],"additionalProperties":false,"properties":{"routeId":{"type":"string"},"city":{"type":"string"},"position":{"type":"integer","minimum":0,"description":"Index on the expert rail."},"railLength":{"type":"integer","minimum":1},"instruction":{"type":"string"}}}]},"turn":{"type":"object","required":["index","output","message","done"],"additionalProperties":false,"properties":{"index":{"type":"integer","minimum":0},"prompt":{"type":"string","description":"Full prompt (first turn, and V-IRL turns after a move, where the prompt is rebuilt)."},"promptDelta":{"type":"string","description":"Only what this turn appends to the chat (the verifier's failure message turn)."},"image":{"type":"string","description":"Observation image for this turn, relative to the run folder."},"output":{"type":"string","description":"The model's raw output."},"reward":{"type":"number"},"message":{"type":"string","description":"The verifier's message."},"done":{"type":"boolean"},"expertAction":{"type":"string","description":"V-IRL: the correct action at this position."},"recognized":{"type":"boolean","description":"Vision: the four cards were recognised."},"failureMode":{"$ref":"#/$defs/failureMode"},"outputTokens":{"type":"integer","minimum":0},"promptTokens":{"type":"integer","minimum":0},"advantage":{"type":"number","description":"PPO rollout turns: the advantage the update computed for this attempt (after the rollout's normalization with GAE; over the group's std with ppo.groupStd), whether or not the update drew the attempt to train on."},"return":{"type":"number","description":"PPO rollout turns: the return the advantage came from (GAE's return; with group advantages the episode's return, or with ppo.groupCredit \"turn\" the return-to-go from this attempt)."}},"oneOf":[{"required":["prompt"],"not":{"required":["promptDelta"]}},{"required":["promptDelta"],"not":{"required":["prompt"]}}]},"failureMode":{"enum":["format","illegal-formula","wrong-numbers","arithmetic","rule-collapse","recognition","wrong-turn","missed-intersection","phantom-intersection","premature-stop","missed-stop","action-space-confusion","budget-exhausted"],"description":"Failure-mode label of a failed attempt (shared/spec/environments.md)."}}};
const schema32 = {"description":"What the episode is about: the hand (GeneralPoints) or the route and position (V-IRL).","oneOf":[{"type":"object","title":"GeneralPoints hand","required":["cards","values"],"additionalProperties":false,"properties":{"cards":{"type":"array","items":{"enum":["A","2","3","4","5","6","7","8","9","10","J","Q","K"]},"minItems":4,"maxItems":4},"suits":{"type":"array","items":{"enum":["spades","clubs","hearts","diamonds"]},"minItems":4,"maxItems":4},"values":{"type":"array","items":{"type":"integer","minimum":1,"maximum":13},"minItems":4,"maxItems":4},"solutions":{"type":"array","items":{"type":"string"},"description":"Solver solutions (possibly truncated)."}}},{"type":"object","title":"V-IRL route","required":["routeId","position"],"additionalProperties":false,"properties":{"routeId":{"type":"string"},"city":{"type":"string"},"position":{"type":"integer","minimum":0,"description":"Index on the expert rail."},"railLength":{"type":"integer","minimum":1},"instruction":{"type":"string"}}}]};
const schema34 = {"enum":["format","illegal-formula","wrong-numbers","arithmetic","rule-collapse","recognition","wrong-turn","missed-intersection","phantom-intersection","premature-stop","missed-stop","action-space-confusion","budget-exhausted"],"description":"Failure-mode label of a failed attempt (shared/spec/environments.md)."};
const func1 = Object.prototype.hasOwnProperty;
const func2 = runtime1.default;
const schema33 = {"type":"object","required":["index","output","message","done"],"additionalProperties":false,"properties":{"index":{"type":"integer","minimum":0},"prompt":{"type":"string","description":"Full prompt (first turn, and V-IRL turns after a move, where the prompt is rebuilt)."},"promptDelta":{"type":"string","description":"Only what this turn appends to the chat (the verifier's failure message turn)."},"image":{"type":"string","description":"Observation image for this turn, relative to the run folder."},"output":{"type":"string","description":"The model's raw output."},"reward":{"type":"number"},"message":{"type":"string","description":"The verifier's message."},"done":{"type":"boolean"},"expertAction":{"type":"string","description":"V-IRL: the correct action at this position."},"recognized":{"type":"boolean","description":"Vision: the four cards were recognised."},"failureMode":{"$ref":"#/$defs/failureMode"},"outputTokens":{"type":"integer","minimum":0},"promptTokens":{"type":"integer","minimum":0},"advantage":{"type":"number","description":"PPO rollout turns: the advantage the update computed for this attempt (after the rollout's normalization with GAE; over the group's std with ppo.groupStd), whether or not the update drew the attempt to train on."},"return":{"type":"number","description":"PPO rollout turns: the return the advantage came from (GAE's return; with group advantages the episode's return, or with ppo.groupCredit \"turn\" the return-to-go from this attempt)."}},"oneOf":[{"required":["prompt"],"not":{"required":["promptDelta"]}},{"required":["promptDelta"],"not":{"required":["prompt"]}}]};

function validate21(data, {instancePath="", parentData, parentDataProperty, rootData=data, dynamicAnchors={}}={}){
let vErrors = null;
let errors = 0;
const evaluated0 = validate21.evaluated;
if(evaluated0.dynamicProps){
evaluated0.props = undefined;
}
if(evaluated0.dynamicItems){
evaluated0.items = undefined;
}
const _errs1 = errors;
let valid0 = false;
let passing0 = null;
const _errs2 = errors;
const _errs3 = errors;
const _errs4 = errors;
if(data && typeof data == "object" && !Array.isArray(data)){
let missing0;
if((data.promptDelta === undefined) && (missing0 = "promptDelta")){
const err0 = {};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
}
var valid1 = _errs4 === errors;
if(valid1){
const err1 = {instancePath,schemaPath:"#/oneOf/0/not",keyword:"not",params:{},message:"must NOT be valid"};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
else {
errors = _errs3;
if(vErrors !== null){
if(_errs3){
vErrors.length = _errs3;
}
else {
vErrors = null;
}
}
}
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.prompt === undefined){
const err2 = {instancePath,schemaPath:"#/oneOf/0/required",keyword:"required",params:{missingProperty: "prompt"},message:"must have required property '"+"prompt"+"'"};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
}
var _valid0 = _errs2 === errors;
if(_valid0){
valid0 = true;
passing0 = 0;
}
const _errs5 = errors;
const _errs6 = errors;
const _errs7 = errors;
if(data && typeof data == "object" && !Array.isArray(data)){
let missing1;
if((data.prompt === undefined) && (missing1 = "prompt")){
const err3 = {};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
}
var valid2 = _errs7 === errors;
if(valid2){
const err4 = {instancePath,schemaPath:"#/oneOf/1/not",keyword:"not",params:{},message:"must NOT be valid"};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
else {
errors = _errs6;
if(vErrors !== null){
if(_errs6){
vErrors.length = _errs6;
}
else {
vErrors = null;
}
}
}
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.promptDelta === undefined){
const err5 = {instancePath,schemaPath:"#/oneOf/1/required",keyword:"required",params:{missingProperty: "promptDelta"},message:"must have required property '"+"promptDelta"+"'"};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
}
var _valid0 = _errs5 === errors;
if(_valid0 && valid0){
valid0 = false;
passing0 = [passing0, 1];
}
else {
if(_valid0){
valid0 = true;
passing0 = 1;
}
}
if(!valid0){
const err6 = {instancePath,schemaPath:"#/oneOf",keyword:"oneOf",params:{passingSchemas: passing0},message:"must match exactly one schema in oneOf"};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
else {
errors = _errs1;
if(vErrors !== null){
if(_errs1){
vErrors.length = _errs1;
}
else {
vErrors = null;
}
}
}
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.index === undefined){
const err7 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "index"},message:"must have required property '"+"index"+"'"};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
if(data.output === undefined){
const err8 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "output"},message:"must have required property '"+"output"+"'"};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
if(data.message === undefined){
const err9 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "message"},message:"must have required property '"+"message"+"'"};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
if(data.done === undefined){
const err10 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "done"},message:"must have required property '"+"done"+"'"};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
for(const key0 in data){
if(!(func1.call(schema33.properties, key0))){
const err11 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
}
if(data.index !== undefined){
let data0 = data.index;
if(!(((typeof data0 == "number") && (!(data0 % 1) && !isNaN(data0))) && (isFinite(data0)))){
const err12 = {instancePath:instancePath+"/index",schemaPath:"#/properties/index/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
if((typeof data0 == "number") && (isFinite(data0))){
if(data0 < 0 || isNaN(data0)){
const err13 = {instancePath:instancePath+"/index",schemaPath:"#/properties/index/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
}
}
if(data.prompt !== undefined){
if(typeof data.prompt !== "string"){
const err14 = {instancePath:instancePath+"/prompt",schemaPath:"#/properties/prompt/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
}
if(data.promptDelta !== undefined){
if(typeof data.promptDelta !== "string"){
const err15 = {instancePath:instancePath+"/promptDelta",schemaPath:"#/properties/promptDelta/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
}
if(data.image !== undefined){
if(typeof data.image !== "string"){
const err16 = {instancePath:instancePath+"/image",schemaPath:"#/properties/image/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
}
if(data.output !== undefined){
if(typeof data.output !== "string"){
const err17 = {instancePath:instancePath+"/output",schemaPath:"#/properties/output/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
}
if(data.reward !== undefined){
let data5 = data.reward;
if(!((typeof data5 == "number") && (isFinite(data5)))){
const err18 = {instancePath:instancePath+"/reward",schemaPath:"#/properties/reward/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
}
if(data.message !== undefined){
if(typeof data.message !== "string"){
const err19 = {instancePath:instancePath+"/message",schemaPath:"#/properties/message/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err19];
}
else {
vErrors.push(err19);
}
errors++;
}
}
if(data.done !== undefined){
if(typeof data.done !== "boolean"){
const err20 = {instancePath:instancePath+"/done",schemaPath:"#/properties/done/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};
if(vErrors === null){
vErrors = [err20];
}
else {
vErrors.push(err20);
}
errors++;
}
}
if(data.expertAction !== undefined){
if(typeof data.expertAction !== "string"){
const err21 = {instancePath:instancePath+"/expertAction",schemaPath:"#/properties/expertAction/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err21];
}
else {
vErrors.push(err21);
}
errors++;
}
}
if(data.recognized !== undefined){
if(typeof data.recognized !== "boolean"){
const err22 = {instancePath:instancePath+"/recognized",schemaPath:"#/properties/recognized/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};
if(vErrors === null){
vErrors = [err22];
}
else {
vErrors.push(err22);
}
errors++;
}
}
if(data.failureMode !== undefined){
let data10 = data.failureMode;
if(!(((((((((((((data10 === "format") || (data10 === "illegal-formula")) || (data10 === "wrong-numbers")) || (data10 === "arithmetic")) || (data10 === "rule-collapse")) || (data10 === "recognition")) || (data10 === "wrong-turn")) || (data10 === "missed-intersection")) || (data10 === "phantom-intersection")) || (data10 === "premature-stop")) || (data10 === "missed-stop")) || (data10 === "action-space-confusion")) || (data10 === "budget-exhausted"))){
const err23 = {instancePath:instancePath+"/failureMode",schemaPath:"#/$defs/failureMode/enum",keyword:"enum",params:{allowedValues: schema34.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err23];
}
else {
vErrors.push(err23);
}
errors++;
}
}
if(data.outputTokens !== undefined){
let data11 = data.outputTokens;
if(!(((typeof data11 == "number") && (!(data11 % 1) && !isNaN(data11))) && (isFinite(data11)))){
const err24 = {instancePath:instancePath+"/outputTokens",schemaPath:"#/properties/outputTokens/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err24];
}
else {
vErrors.push(err24);
}
errors++;
}
if((typeof data11 == "number") && (isFinite(data11))){
if(data11 < 0 || isNaN(data11)){
const err25 = {instancePath:instancePath+"/outputTokens",schemaPath:"#/properties/outputTokens/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err25];
}
else {
vErrors.push(err25);
}
errors++;
}
}
}
if(data.promptTokens !== undefined){
let data12 = data.promptTokens;
if(!(((typeof data12 == "number") && (!(data12 % 1) && !isNaN(data12))) && (isFinite(data12)))){
const err26 = {instancePath:instancePath+"/promptTokens",schemaPath:"#/properties/promptTokens/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err26];
}
else {
vErrors.push(err26);
}
errors++;
}
if((typeof data12 == "number") && (isFinite(data12))){
if(data12 < 0 || isNaN(data12)){
const err27 = {instancePath:instancePath+"/promptTokens",schemaPath:"#/properties/promptTokens/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err27];
}
else {
vErrors.push(err27);
}
errors++;
}
}
}
if(data.advantage !== undefined){
let data13 = data.advantage;
if(!((typeof data13 == "number") && (isFinite(data13)))){
const err28 = {instancePath:instancePath+"/advantage",schemaPath:"#/properties/advantage/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err28];
}
else {
vErrors.push(err28);
}
errors++;
}
}
if(data.return !== undefined){
let data14 = data.return;
if(!((typeof data14 == "number") && (isFinite(data14)))){
const err29 = {instancePath:instancePath+"/return",schemaPath:"#/properties/return/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err29];
}
else {
vErrors.push(err29);
}
errors++;
}
}
}
else {
const err30 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err30];
}
else {
vErrors.push(err30);
}
errors++;
}
validate21.errors = vErrors;
return errors === 0;
}
validate21.evaluated = {"props":true,"dynamicProps":false,"dynamicItems":false};


function validate20(data, {instancePath="", parentData, parentDataProperty, rootData=data, dynamicAnchors={}}={}){
/*# sourceURL="https://schemas.ptlab.invalid/episode-record.schema.json" */;
let vErrors = null;
let errors = 0;
const evaluated0 = validate20.evaluated;
if(evaluated0.dynamicProps){
evaluated0.props = undefined;
}
if(evaluated0.dynamicItems){
evaluated0.items = undefined;
}
const _errs1 = errors;
let valid0 = true;
const _errs2 = errors;
const _errs3 = errors;
const _errs4 = errors;
if(data && typeof data == "object" && !Array.isArray(data)){
let missing0;
if((data.source === undefined) && (missing0 = "source")){
const err0 = {};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
}
var valid1 = _errs4 === errors;
if(valid1){
const err1 = {};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
else {
errors = _errs3;
if(vErrors !== null){
if(_errs3){
vErrors.length = _errs3;
}
else {
vErrors = null;
}
}
}
var _valid0 = _errs2 === errors;
errors = _errs1;
if(vErrors !== null){
if(_errs1){
vErrors.length = _errs1;
}
else {
vErrors = null;
}
}
if(_valid0){
const _errs5 = errors;
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.seed === undefined){
const err2 = {instancePath,schemaPath:"#/then/required",keyword:"required",params:{missingProperty: "seed"},message:"must have required property '"+"seed"+"'"};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
if(data.environment === undefined){
const err3 = {instancePath,schemaPath:"#/then/required",keyword:"required",params:{missingProperty: "environment"},message:"must have required property '"+"environment"+"'"};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
if(data.success === undefined){
const err4 = {instancePath,schemaPath:"#/then/required",keyword:"required",params:{missingProperty: "success"},message:"must have required property '"+"success"+"'"};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
if(data.totalReward === undefined){
const err5 = {instancePath,schemaPath:"#/then/required",keyword:"required",params:{missingProperty: "totalReward"},message:"must have required property '"+"totalReward"+"'"};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
if(data.turns !== undefined){
let data0 = data.turns;
if(Array.isArray(data0)){
const len0 = data0.length;
for(let i0=0; i0<len0; i0++){
let data1 = data0[i0];
if(data1 && typeof data1 == "object" && !Array.isArray(data1)){
if(data1.reward === undefined){
const err6 = {instancePath:instancePath+"/turns/" + i0,schemaPath:"#/then/properties/turns/items/required",keyword:"required",params:{missingProperty: "reward"},message:"must have required property '"+"reward"+"'"};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
}
}
}
}
}
var _valid0 = _errs5 === errors;
valid0 = _valid0;
if(valid0){
var props0 = {};
props0.turns = true;
}
}
if(!valid0){
const err7 = {instancePath,schemaPath:"#/if",keyword:"if",params:{failingKeyword: "then"},message:"must match \"then\" schema"};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.runId === undefined){
const err8 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "runId"},message:"must have required property '"+"runId"+"'"};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
if(data.step === undefined){
const err9 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "step"},message:"must have required property '"+"step"+"'"};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
if(data.split === undefined){
const err10 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "split"},message:"must have required property '"+"split"+"'"};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
if(data.episode === undefined){
const err11 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "episode"},message:"must have required property '"+"episode"+"'"};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
if(data.turns === undefined){
const err12 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "turns"},message:"must have required property '"+"turns"+"'"};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
for(const key0 in data){
if(!(func1.call(schema31.properties, key0))){
const err13 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
}
if(data.runId !== undefined){
let data2 = data.runId;
if(typeof data2 === "string"){
if(func2(data2) < 1){
const err14 = {instancePath:instancePath+"/runId",schemaPath:"#/properties/runId/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
}
else {
const err15 = {instancePath:instancePath+"/runId",schemaPath:"#/properties/runId/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
}
if(data.step !== undefined){
let data3 = data.step;
if(!(((typeof data3 == "number") && (!(data3 % 1) && !isNaN(data3))) && (isFinite(data3)))){
const err16 = {instancePath:instancePath+"/step",schemaPath:"#/properties/step/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
if((typeof data3 == "number") && (isFinite(data3))){
if(data3 < 0 || isNaN(data3)){
const err17 = {instancePath:instancePath+"/step",schemaPath:"#/properties/step/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
}
}
if(data.split !== undefined){
let data4 = data.split;
if(typeof data4 === "string"){
if(func2(data4) < 1){
const err18 = {instancePath:instancePath+"/split",schemaPath:"#/properties/split/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
}
else {
const err19 = {instancePath:instancePath+"/split",schemaPath:"#/properties/split/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err19];
}
else {
vErrors.push(err19);
}
errors++;
}
}
if(data.splitKind !== undefined){
let data5 = data.splitKind;
if(!((((data5 === "train") || (data5 === "id")) || (data5 === "rule-ood")) || (data5 === "visual-ood"))){
const err20 = {instancePath:instancePath+"/splitKind",schemaPath:"#/properties/splitKind/enum",keyword:"enum",params:{allowedValues: schema31.properties.splitKind.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err20];
}
else {
vErrors.push(err20);
}
errors++;
}
}
if(data.checkpoint !== undefined){
if(typeof data.checkpoint !== "string"){
const err21 = {instancePath:instancePath+"/checkpoint",schemaPath:"#/properties/checkpoint/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err21];
}
else {
vErrors.push(err21);
}
errors++;
}
}
if(data.episode !== undefined){
let data7 = data.episode;
if(!(((typeof data7 == "number") && (!(data7 % 1) && !isNaN(data7))) && (isFinite(data7)))){
const err22 = {instancePath:instancePath+"/episode",schemaPath:"#/properties/episode/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err22];
}
else {
vErrors.push(err22);
}
errors++;
}
if((typeof data7 == "number") && (isFinite(data7))){
if(data7 < 0 || isNaN(data7)){
const err23 = {instancePath:instancePath+"/episode",schemaPath:"#/properties/episode/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err23];
}
else {
vErrors.push(err23);
}
errors++;
}
}
}
if(data.seed !== undefined){
let data8 = data.seed;
if(!(((typeof data8 == "number") && (!(data8 % 1) && !isNaN(data8))) && (isFinite(data8)))){
const err24 = {instancePath:instancePath+"/seed",schemaPath:"#/properties/seed/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err24];
}
else {
vErrors.push(err24);
}
errors++;
}
if((typeof data8 == "number") && (isFinite(data8))){
if(data8 > 4294967295 || isNaN(data8)){
const err25 = {instancePath:instancePath+"/seed",schemaPath:"#/properties/seed/maximum",keyword:"maximum",params:{comparison: "<=", limit: 4294967295},message:"must be <= 4294967295"};
if(vErrors === null){
vErrors = [err25];
}
else {
vErrors.push(err25);
}
errors++;
}
if(data8 < 0 || isNaN(data8)){
const err26 = {instancePath:instancePath+"/seed",schemaPath:"#/properties/seed/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err26];
}
else {
vErrors.push(err26);
}
errors++;
}
}
}
if(data.environment !== undefined){
let data9 = data.environment;
if(data9 && typeof data9 == "object" && !Array.isArray(data9)){
if(data9.env === undefined){
const err27 = {instancePath:instancePath+"/environment",schemaPath:"#/properties/environment/required",keyword:"required",params:{missingProperty: "env"},message:"must have required property '"+"env"+"'"};
if(vErrors === null){
vErrors = [err27];
}
else {
vErrors.push(err27);
}
errors++;
}
if(data9.env !== undefined){
let data10 = data9.env;
if(!((data10 === "generalpoints") || (data10 === "virl"))){
const err28 = {instancePath:instancePath+"/environment/env",schemaPath:"#/properties/environment/properties/env/enum",keyword:"enum",params:{allowedValues: schema31.properties.environment.properties.env.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err28];
}
else {
vErrors.push(err28);
}
errors++;
}
}
}
else {
const err29 = {instancePath:instancePath+"/environment",schemaPath:"#/properties/environment/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err29];
}
else {
vErrors.push(err29);
}
errors++;
}
}
if(data.state !== undefined){
let data11 = data.state;
const _errs27 = errors;
let valid8 = false;
let passing0 = null;
const _errs28 = errors;
if(data11 && typeof data11 == "object" && !Array.isArray(data11)){
if(data11.cards === undefined){
const err30 = {instancePath:instancePath+"/state",schemaPath:"#/$defs/state/oneOf/0/required",keyword:"required",params:{missingProperty: "cards"},message:"must have required property '"+"cards"+"'"};
if(vErrors === null){
vErrors = [err30];
}
else {
vErrors.push(err30);
}
errors++;
}
if(data11.values === undefined){
const err31 = {instancePath:instancePath+"/state",schemaPath:"#/$defs/state/oneOf/0/required",keyword:"required",params:{missingProperty: "values"},message:"must have required property '"+"values"+"'"};
if(vErrors === null){
vErrors = [err31];
}
else {
vErrors.push(err31);
}
errors++;
}
for(const key1 in data11){
if(!((((key1 === "cards") || (key1 === "suits")) || (key1 === "values")) || (key1 === "solutions"))){
const err32 = {instancePath:instancePath+"/state",schemaPath:"#/$defs/state/oneOf/0/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err32];
}
else {
vErrors.push(err32);
}
errors++;
}
}
if(data11.cards !== undefined){
let data12 = data11.cards;
if(Array.isArray(data12)){
if(data12.length > 4){
const err33 = {instancePath:instancePath+"/state/cards",schemaPath:"#/$defs/state/oneOf/0/properties/cards/maxItems",keyword:"maxItems",params:{limit: 4},message:"must NOT have more than 4 items"};
if(vErrors === null){
vErrors = [err33];
}
else {
vErrors.push(err33);
}
errors++;
}
if(data12.length < 4){
const err34 = {instancePath:instancePath+"/state/cards",schemaPath:"#/$defs/state/oneOf/0/properties/cards/minItems",keyword:"minItems",params:{limit: 4},message:"must NOT have fewer than 4 items"};
if(vErrors === null){
vErrors = [err34];
}
else {
vErrors.push(err34);
}
errors++;
}
const len1 = data12.length;
for(let i1=0; i1<len1; i1++){
let data13 = data12[i1];
if(!(((((((((((((data13 === "A") || (data13 === "2")) || (data13 === "3")) || (data13 === "4")) || (data13 === "5")) || (data13 === "6")) || (data13 === "7")) || (data13 === "8")) || (data13 === "9")) || (data13 === "10")) || (data13 === "J")) || (data13 === "Q")) || (data13 === "K"))){
const err35 = {instancePath:instancePath+"/state/cards/" + i1,schemaPath:"#/$defs/state/oneOf/0/properties/cards/items/enum",keyword:"enum",params:{allowedValues: schema32.oneOf[0].properties.cards.items.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err35];
}
else {
vErrors.push(err35);
}
errors++;
}
}
}
else {
const err36 = {instancePath:instancePath+"/state/cards",schemaPath:"#/$defs/state/oneOf/0/properties/cards/type",keyword:"type",params:{type: "array"},message:"must be array"};
if(vErrors === null){
vErrors = [err36];
}
else {
vErrors.push(err36);
}
errors++;
}
}
if(data11.suits !== undefined){
let data14 = data11.suits;
if(Array.isArray(data14)){
if(data14.length > 4){
const err37 = {instancePath:instancePath+"/state/suits",schemaPath:"#/$defs/state/oneOf/0/properties/suits/maxItems",keyword:"maxItems",params:{limit: 4},message:"must NOT have more than 4 items"};
if(vErrors === null){
vErrors = [err37];
}
else {
vErrors.push(err37);
}
errors++;
}
if(data14.length < 4){
const err38 = {instancePath:instancePath+"/state/suits",schemaPath:"#/$defs/state/oneOf/0/properties/suits/minItems",keyword:"minItems",params:{limit: 4},message:"must NOT have fewer than 4 items"};
if(vErrors === null){
vErrors = [err38];
}
else {
vErrors.push(err38);
}
errors++;
}
const len2 = data14.length;
for(let i2=0; i2<len2; i2++){
let data15 = data14[i2];
if(!((((data15 === "spades") || (data15 === "clubs")) || (data15 === "hearts")) || (data15 === "diamonds"))){
const err39 = {instancePath:instancePath+"/state/suits/" + i2,schemaPath:"#/$defs/state/oneOf/0/properties/suits/items/enum",keyword:"enum",params:{allowedValues: schema32.oneOf[0].properties.suits.items.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err39];
}
else {
vErrors.push(err39);
}
errors++;
}
}
}
else {
const err40 = {instancePath:instancePath+"/state/suits",schemaPath:"#/$defs/state/oneOf/0/properties/suits/type",keyword:"type",params:{type: "array"},message:"must be array"};
if(vErrors === null){
vErrors = [err40];
}
else {
vErrors.push(err40);
}
errors++;
}
}
if(data11.values !== undefined){
let data16 = data11.values;
if(Array.isArray(data16)){
if(data16.length > 4){
const err41 = {instancePath:instancePath+"/state/values",schemaPath:"#/$defs/state/oneOf/0/properties/values/maxItems",keyword:"maxItems",params:{limit: 4},message:"must NOT have more than 4 items"};
if(vErrors === null){
vErrors = [err41];
}
else {
vErrors.push(err41);
}
errors++;
}
if(data16.length < 4){
const err42 = {instancePath:instancePath+"/state/values",schemaPath:"#/$defs/state/oneOf/0/properties/values/minItems",keyword:"minItems",params:{limit: 4},message:"must NOT have fewer than 4 items"};
if(vErrors === null){
vErrors = [err42];
}
else {
vErrors.push(err42);
}
errors++;
}
const len3 = data16.length;
for(let i3=0; i3<len3; i3++){
let data17 = data16[i3];
if(!(((typeof data17 == "number") && (!(data17 % 1) && !isNaN(data17))) && (isFinite(data17)))){
const err43 = {instancePath:instancePath+"/state/values/" + i3,schemaPath:"#/$defs/state/oneOf/0/properties/values/items/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err43];
}
else {
vErrors.push(err43);
}
errors++;
}
if((typeof data17 == "number") && (isFinite(data17))){
if(data17 > 13 || isNaN(data17)){
const err44 = {instancePath:instancePath+"/state/values/" + i3,schemaPath:"#/$defs/state/oneOf/0/properties/values/items/maximum",keyword:"maximum",params:{comparison: "<=", limit: 13},message:"must be <= 13"};
if(vErrors === null){
vErrors = [err44];
}
else {
vErrors.push(err44);
}
errors++;
}
if(data17 < 1 || isNaN(data17)){
const err45 = {instancePath:instancePath+"/state/values/" + i3,schemaPath:"#/$defs/state/oneOf/0/properties/values/items/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err45];
}
else {
vErrors.push(err45);
}
errors++;
}
}
}
}
else {
const err46 = {instancePath:instancePath+"/state/values",schemaPath:"#/$defs/state/oneOf/0/properties/values/type",keyword:"type",params:{type: "array"},message:"must be array"};
if(vErrors === null){
vErrors = [err46];
}
else {
vErrors.push(err46);
}
errors++;
}
}
if(data11.solutions !== undefined){
let data18 = data11.solutions;
if(Array.isArray(data18)){
const len4 = data18.length;
for(let i4=0; i4<len4; i4++){
if(typeof data18[i4] !== "string"){
const err47 = {instancePath:instancePath+"/state/solutions/" + i4,schemaPath:"#/$defs/state/oneOf/0/properties/solutions/items/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err47];
}
else {
vErrors.push(err47);
}
errors++;
}
}
}
else {
const err48 = {instancePath:instancePath+"/state/solutions",schemaPath:"#/$defs/state/oneOf/0/properties/solutions/type",keyword:"type",params:{type: "array"},message:"must be array"};
if(vErrors === null){
vErrors = [err48];
}
else {
vErrors.push(err48);
}
errors++;
}
}
}
else {
const err49 = {instancePath:instancePath+"/state",schemaPath:"#/$defs/state/oneOf/0/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err49];
}
else {
vErrors.push(err49);
}
errors++;
}
var _valid1 = _errs28 === errors;
if(_valid1){
valid8 = true;
passing0 = 0;
var props1 = true;
}
const _errs45 = errors;
if(data11 && typeof data11 == "object" && !Array.isArray(data11)){
if(data11.routeId === undefined){
const err50 = {instancePath:instancePath+"/state",schemaPath:"#/$defs/state/oneOf/1/required",keyword:"required",params:{missingProperty: "routeId"},message:"must have required property '"+"routeId"+"'"};
if(vErrors === null){
vErrors = [err50];
}
else {
vErrors.push(err50);
}
errors++;
}
if(data11.position === undefined){
const err51 = {instancePath:instancePath+"/state",schemaPath:"#/$defs/state/oneOf/1/required",keyword:"required",params:{missingProperty: "position"},message:"must have required property '"+"position"+"'"};
if(vErrors === null){
vErrors = [err51];
}
else {
vErrors.push(err51);
}
errors++;
}
for(const key2 in data11){
if(!(((((key2 === "routeId") || (key2 === "city")) || (key2 === "position")) || (key2 === "railLength")) || (key2 === "instruction"))){
const err52 = {instancePath:instancePath+"/state",schemaPath:"#/$defs/state/oneOf/1/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key2},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err52];
}
else {
vErrors.push(err52);
}
errors++;
}
}
if(data11.routeId !== undefined){
if(typeof data11.routeId !== "string"){
const err53 = {instancePath:instancePath+"/state/routeId",schemaPath:"#/$defs/state/oneOf/1/properties/routeId/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err53];
}
else {
vErrors.push(err53);
}
errors++;
}
}
if(data11.city !== undefined){
if(typeof data11.city !== "string"){
const err54 = {instancePath:instancePath+"/state/city",schemaPath:"#/$defs/state/oneOf/1/properties/city/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err54];
}
else {
vErrors.push(err54);
}
errors++;
}
}
if(data11.position !== undefined){
let data22 = data11.position;
if(!(((typeof data22 == "number") && (!(data22 % 1) && !isNaN(data22))) && (isFinite(data22)))){
const err55 = {instancePath:instancePath+"/state/position",schemaPath:"#/$defs/state/oneOf/1/properties/position/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err55];
}
else {
vErrors.push(err55);
}
errors++;
}
if((typeof data22 == "number") && (isFinite(data22))){
if(data22 < 0 || isNaN(data22)){
const err56 = {instancePath:instancePath+"/state/position",schemaPath:"#/$defs/state/oneOf/1/properties/position/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err56];
}
else {
vErrors.push(err56);
}
errors++;
}
}
}
if(data11.railLength !== undefined){
let data23 = data11.railLength;
if(!(((typeof data23 == "number") && (!(data23 % 1) && !isNaN(data23))) && (isFinite(data23)))){
const err57 = {instancePath:instancePath+"/state/railLength",schemaPath:"#/$defs/state/oneOf/1/properties/railLength/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err57];
}
else {
vErrors.push(err57);
}
errors++;
}
if((typeof data23 == "number") && (isFinite(data23))){
if(data23 < 1 || isNaN(data23)){
const err58 = {instancePath:instancePath+"/state/railLength",schemaPath:"#/$defs/state/oneOf/1/properties/railLength/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err58];
}
else {
vErrors.push(err58);
}
errors++;
}
}
}
if(data11.instruction !== undefined){
if(typeof data11.instruction !== "string"){
const err59 = {instancePath:instancePath+"/state/instruction",schemaPath:"#/$defs/state/oneOf/1/properties/instruction/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err59];
}
else {
vErrors.push(err59);
}
errors++;
}
}
}
else {
const err60 = {instancePath:instancePath+"/state",schemaPath:"#/$defs/state/oneOf/1/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err60];
}
else {
vErrors.push(err60);
}
errors++;
}
var _valid1 = _errs45 === errors;
if(_valid1 && valid8){
valid8 = false;
passing0 = [passing0, 1];
}
else {
if(_valid1){
valid8 = true;
passing0 = 1;
if(props1 !== true){
props1 = true;
}
}
}
if(!valid8){
const err61 = {instancePath:instancePath+"/state",schemaPath:"#/$defs/state/oneOf",keyword:"oneOf",params:{passingSchemas: passing0},message:"must match exactly one schema in oneOf"};
if(vErrors === null){
vErrors = [err61];
}
else {
vErrors.push(err61);
}
errors++;
}
else {
errors = _errs27;
if(vErrors !== null){
if(_errs27){
vErrors.length = _errs27;
}
else {
vErrors = null;
}
}
}
}
if(data.image !== undefined){
if(typeof data.image !== "string"){
const err62 = {instancePath:instancePath+"/image",schemaPath:"#/properties/image/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err62];
}
else {
vErrors.push(err62);
}
errors++;
}
}
if(data.turns !== undefined){
let data26 = data.turns;
if(Array.isArray(data26)){
if(data26.length < 1){
const err63 = {instancePath:instancePath+"/turns",schemaPath:"#/properties/turns/minItems",keyword:"minItems",params:{limit: 1},message:"must NOT have fewer than 1 items"};
if(vErrors === null){
vErrors = [err63];
}
else {
vErrors.push(err63);
}
errors++;
}
const len5 = data26.length;
for(let i5=0; i5<len5; i5++){
if(!(validate21(data26[i5], {instancePath:instancePath+"/turns/" + i5,parentData:data26,parentDataProperty:i5,rootData,dynamicAnchors}))){
vErrors = vErrors === null ? validate21.errors : vErrors.concat(validate21.errors);
errors = vErrors.length;
}
}
}
else {
const err64 = {instancePath:instancePath+"/turns",schemaPath:"#/properties/turns/type",keyword:"type",params:{type: "array"},message:"must be array"};
if(vErrors === null){
vErrors = [err64];
}
else {
vErrors.push(err64);
}
errors++;
}
}
if(data.success !== undefined){
if(typeof data.success !== "boolean"){
const err65 = {instancePath:instancePath+"/success",schemaPath:"#/properties/success/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};
if(vErrors === null){
vErrors = [err65];
}
else {
vErrors.push(err65);
}
errors++;
}
}
if(data.totalReward !== undefined){
let data29 = data.totalReward;
if(!((typeof data29 == "number") && (isFinite(data29)))){
const err66 = {instancePath:instancePath+"/totalReward",schemaPath:"#/properties/totalReward/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err66];
}
else {
vErrors.push(err66);
}
errors++;
}
}
if(data.failureMode !== undefined){
let data30 = data.failureMode;
if(!(((((((((((((data30 === "format") || (data30 === "illegal-formula")) || (data30 === "wrong-numbers")) || (data30 === "arithmetic")) || (data30 === "rule-collapse")) || (data30 === "recognition")) || (data30 === "wrong-turn")) || (data30 === "missed-intersection")) || (data30 === "phantom-intersection")) || (data30 === "premature-stop")) || (data30 === "missed-stop")) || (data30 === "action-space-confusion")) || (data30 === "budget-exhausted"))){
const err67 = {instancePath:instancePath+"/failureMode",schemaPath:"#/$defs/failureMode/enum",keyword:"enum",params:{allowedValues: schema34.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err67];
}
else {
vErrors.push(err67);
}
errors++;
}
}
if(data.truncated !== undefined){
if(typeof data.truncated !== "boolean"){
const err68 = {instancePath:instancePath+"/truncated",schemaPath:"#/properties/truncated/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};
if(vErrors === null){
vErrors = [err68];
}
else {
vErrors.push(err68);
}
errors++;
}
}
if(data.source !== undefined){
let data32 = data.source;
if(data32 && typeof data32 == "object" && !Array.isArray(data32)){
if(data32.format === undefined){
const err69 = {instancePath:instancePath+"/source",schemaPath:"#/properties/source/required",keyword:"required",params:{missingProperty: "format"},message:"must have required property '"+"format"+"'"};
if(vErrors === null){
vErrors = [err69];
}
else {
vErrors.push(err69);
}
errors++;
}
if(data32.file === undefined){
const err70 = {instancePath:instancePath+"/source",schemaPath:"#/properties/source/required",keyword:"required",params:{missingProperty: "file"},message:"must have required property '"+"file"+"'"};
if(vErrors === null){
vErrors = [err70];
}
else {
vErrors.push(err70);
}
errors++;
}
if(data32.row === undefined){
const err71 = {instancePath:instancePath+"/source",schemaPath:"#/properties/source/required",keyword:"required",params:{missingProperty: "row"},message:"must have required property '"+"row"+"'"};
if(vErrors === null){
vErrors = [err71];
}
else {
vErrors.push(err71);
}
errors++;
}
for(const key3 in data32){
if(!((((key3 === "format") || (key3 === "file")) || (key3 === "row")) || (key3 === "fields"))){
const err72 = {instancePath:instancePath+"/source",schemaPath:"#/properties/source/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key3},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err72];
}
else {
vErrors.push(err72);
}
errors++;
}
}
if(data32.format !== undefined){
let data33 = data32.format;
if(!((data33 === "trl-completions") || (data33 === "verl-generations"))){
const err73 = {instancePath:instancePath+"/source/format",schemaPath:"#/properties/source/properties/format/enum",keyword:"enum",params:{allowedValues: schema31.properties.source.properties.format.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err73];
}
else {
vErrors.push(err73);
}
errors++;
}
}
if(data32.file !== undefined){
let data34 = data32.file;
if(typeof data34 === "string"){
if(func2(data34) < 1){
const err74 = {instancePath:instancePath+"/source/file",schemaPath:"#/properties/source/properties/file/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err74];
}
else {
vErrors.push(err74);
}
errors++;
}
}
else {
const err75 = {instancePath:instancePath+"/source/file",schemaPath:"#/properties/source/properties/file/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err75];
}
else {
vErrors.push(err75);
}
errors++;
}
}
if(data32.row !== undefined){
let data35 = data32.row;
if(!(((typeof data35 == "number") && (!(data35 % 1) && !isNaN(data35))) && (isFinite(data35)))){
const err76 = {instancePath:instancePath+"/source/row",schemaPath:"#/properties/source/properties/row/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err76];
}
else {
vErrors.push(err76);
}
errors++;
}
if((typeof data35 == "number") && (isFinite(data35))){
if(data35 < 0 || isNaN(data35)){
const err77 = {instancePath:instancePath+"/source/row",schemaPath:"#/properties/source/properties/row/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err77];
}
else {
vErrors.push(err77);
}
errors++;
}
}
}
if(data32.fields !== undefined){
let data36 = data32.fields;
if(data36 && typeof data36 == "object" && !Array.isArray(data36)){
}
else {
const err78 = {instancePath:instancePath+"/source/fields",schemaPath:"#/properties/source/properties/fields/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err78];
}
else {
vErrors.push(err78);
}
errors++;
}
}
}
else {
const err79 = {instancePath:instancePath+"/source",schemaPath:"#/properties/source/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err79];
}
else {
vErrors.push(err79);
}
errors++;
}
}
}
else {
const err80 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err80];
}
else {
vErrors.push(err80);
}
errors++;
}
validate20.errors = vErrors;
return errors === 0;
}
validate20.evaluated = {"props":true,"dynamicProps":false,"dynamicItems":false};

export const evalSummary = validate23;
const schema36 = {"$schema":"https://json-schema.org/draft/2020-12/schema","$id":"https://schemas.ptlab.invalid/eval-summary.schema.json","title":"Post-Training Lab evaluation summary (eval-summary.json)","description":"Result of evaluating one checkpoint on every split of an experiment, written atomically by `ptlab eval` next to its episode records.","type":"object","required":["schemaVersion","runId","checkpoint","step","createdAt","seed","splits"],"additionalProperties":false,"properties":{"schemaVersion":{"const":1},"runId":{"type":"string","minLength":1},"checkpoint":{"type":"string","minLength":1,"description":"Checkpoint evaluated."},"step":{"type":"integer","minimum":0},"createdAt":{"type":"string","format":"date-time"},"seed":{"type":"integer","minimum":0,"maximum":4294967295,"description":"Episode seed base (episode i uses seed + i)."},"temperature":{"type":"number","minimum":0,"description":"evaluation.temperature as configured (see `decoding` for what was used)."},"decoding":{"$ref":"metric-record.schema.json#/$defs/decoding"},"episodesFile":{"type":"string","description":"Episode records of this evaluation, relative to this file."},"compute":{"$ref":"metric-record.schema.json#/$defs/compute"},"splits":{"type":"array","minItems":1,"items":{"type":"object","required":["name","kind","episodes","success","environment"],"additionalProperties":false,"properties":{"name":{"type":"string","minLength":1},"kind":{"enum":["id","rule-ood","visual-ood"]},"environment":{"type":"object","required":["env"],"description":"The split's full environment variant."},"episodes":{"type":"integer","minimum":0},"success":{"$ref":"metric-record.schema.json#/$defs/rate"},"perStepAccuracy":{"$ref":"metric-record.schema.json#/$defs/rate","description":"V-IRL, ours: correct attempts / scored attempts (the verifier's verdicts; a call past the attempt budget, failure mode `budget-exhausted`, is not an attempt)."},"perStepAccuracyReference":{"$ref":"metric-record.schema.json#/$defs/rate","description":"V-IRL, the reference code's and so the paper's per-step accuracy: correct attempts / every model call, including the call past the attempt budget that the reference scores -1 without verifying (failure mode `budget-exhausted`). Equals `perStepAccuracy` with the strict verifier, which ends before such a call."},"recognition":{"$ref":"metric-record.schema.json#/$defs/rate"},"meanReward":{"type":"number"},"meanAttempts":{"type":"number","minimum":0},"failureModes":{"$ref":"metric-record.schema.json#/$defs/failureCounts"}}}}}};
const schema45 = {"type":"object","description":"How evaluation decodes (greedy or sampled), resolved: `configured` from evaluation.temperature / topP, or `model-defaults` from the checkpoint's generation_config.json with what it leaves unset at transformers' defaults (top_k 50), as the reference's evaluation decodes (it passes only max_new_tokens to generate).","required":["source","doSample","maxNewTokens"],"additionalProperties":false,"properties":{"source":{"enum":["configured","model-defaults"]},"doSample":{"type":"boolean","description":"Sampled (true) or greedy (false)."},"temperature":{"type":"number","minimum":0},"topP":{"type":"number","minimum":0,"maximum":1},"topK":{"type":"integer","minimum":0,"description":"0: no top-k cut."},"draws":{"enum":["per-episode","per-process"],"description":"Sampled decoding: where each token's randomness comes from. `per-episode`: from the episode, its attempt and the token's position alone, so the answers do not depend on how the episodes were batched or shared out among processes; `per-process`: each process's random stream (continuous batching, model.kvCache \"paged\"), so they do. Absent in records of earlier versions."},"maxNewTokens":{"type":"integer","minimum":1}}};
const schema38 = {"type":"object","description":"Compute accounting (shared/spec/training.md): X_train = 6 N D_train, X_inference = 2 N D_inference, with exact token counts.","required":["parameters","trainTokens","inferenceTokens","gflops"],"additionalProperties":false,"properties":{"parameters":{"type":"integer","minimum":0,"description":"N."},"initTokens":{"type":"integer","minimum":0,"description":"D_init: tokens trained on to make the Init checkpoint."},"trainTokens":{"type":"integer","minimum":0,"description":"D_train so far in this run (SFT: D_SFT; PPO: D_RL)."},"inferenceTokens":{"type":"integer","minimum":0,"description":"Tokens processed while collecting rollouts (D_buffer), counted."},"visualTrainTokens":{"type":"integer","minimum":0,"description":"Image tokens trained on that input_ids do not hold (cross-attention models such as Llama-3.2-Vision: (image_size / patch_size)^2 = 1,600 per image, the reference's count; 0 where the processor expands images into input_ids, as LLaVA and Qwen2-VL do, whose image tokens are already in trainTokens). Part of D_train in gflops."},"visualInferenceTokens":{"type":"integer","minimum":0,"description":"The same for the prompts of rollout generation: part of D_inference in gflops."},"gflops":{"type":"number","minimum":0,"description":"(6 N (D_init + D_train) + 2 N D_inference) / 1e9, visual tokens included."},"gflopsPaperApprox":{"type":"number","minimum":0,"description":"The paper's approximation with D_buffer = lambda D_train (lambda 6 GeneralPoints, 5.1 V-IRL)."}}};
const schema39 = {"type":"object","required":["rate","stderr","n"],"additionalProperties":false,"properties":{"rate":{"type":"number","minimum":0,"maximum":1},"stderr":{"type":"number","minimum":0,"description":"sqrt(rate (1 - rate) / n)."},"n":{"type":"integer","minimum":0}}};
const formats0 = /^(?!0000)(?:\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|02-(?:0[1-9]|1\d|2[0-8]))|(?:\d\d(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)-02-29)t(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?(?:z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/i;
const schema43 = {"type":"object","propertyNames":{"$ref":"episode-record.schema.json#/$defs/failureMode"},"additionalProperties":{"type":"integer","minimum":0}};

function validate27(data, {instancePath="", parentData, parentDataProperty, rootData=data, dynamicAnchors={}}={}){
let vErrors = null;
let errors = 0;
const evaluated0 = validate27.evaluated;
if(evaluated0.dynamicProps){
evaluated0.props = undefined;
}
if(evaluated0.dynamicItems){
evaluated0.items = undefined;
}
if(data && typeof data == "object" && !Array.isArray(data)){
for(const key0 in data){
const _errs1 = errors;
if(!(((((((((((((key0 === "format") || (key0 === "illegal-formula")) || (key0 === "wrong-numbers")) || (key0 === "arithmetic")) || (key0 === "rule-collapse")) || (key0 === "recognition")) || (key0 === "wrong-turn")) || (key0 === "missed-intersection")) || (key0 === "phantom-intersection")) || (key0 === "premature-stop")) || (key0 === "missed-stop")) || (key0 === "action-space-confusion")) || (key0 === "budget-exhausted"))){
const err0 = {instancePath,schemaPath:"episode-record.schema.json#/$defs/failureMode/enum",keyword:"enum",params:{allowedValues: schema34.enum},message:"must be equal to one of the allowed values",propertyName:key0};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
var valid0 = _errs1 === errors;
if(!valid0){
const err1 = {instancePath,schemaPath:"#/propertyNames",keyword:"propertyNames",params:{propertyName: key0},message:"property name must be valid"};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
}
for(const key1 in data){
let data0 = data[key1];
if(!(((typeof data0 == "number") && (!(data0 % 1) && !isNaN(data0))) && (isFinite(data0)))){
const err2 = {instancePath:instancePath+"/" + key1.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/additionalProperties/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
if((typeof data0 == "number") && (isFinite(data0))){
if(data0 < 0 || isNaN(data0)){
const err3 = {instancePath:instancePath+"/" + key1.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/additionalProperties/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
}
}
}
else {
const err4 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
validate27.errors = vErrors;
return errors === 0;
}
validate27.evaluated = {"props":true,"dynamicProps":false,"dynamicItems":false};


function validate23(data, {instancePath="", parentData, parentDataProperty, rootData=data, dynamicAnchors={}}={}){
/*# sourceURL="https://schemas.ptlab.invalid/eval-summary.schema.json" */;
let vErrors = null;
let errors = 0;
const evaluated0 = validate23.evaluated;
if(evaluated0.dynamicProps){
evaluated0.props = undefined;
}
if(evaluated0.dynamicItems){
evaluated0.items = undefined;
}
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.schemaVersion === undefined){
const err0 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "schemaVersion"},message:"must have required property '"+"schemaVersion"+"'"};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
if(data.runId === undefined){
const err1 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "runId"},message:"must have required property '"+"runId"+"'"};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
if(data.checkpoint === undefined){
const err2 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "checkpoint"},message:"must have required property '"+"checkpoint"+"'"};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
if(data.step === undefined){
const err3 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "step"},message:"must have required property '"+"step"+"'"};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
if(data.createdAt === undefined){
const err4 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "createdAt"},message:"must have required property '"+"createdAt"+"'"};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
if(data.seed === undefined){
const err5 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "seed"},message:"must have required property '"+"seed"+"'"};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
if(data.splits === undefined){
const err6 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "splits"},message:"must have required property '"+"splits"+"'"};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
for(const key0 in data){
if(!(func1.call(schema36.properties, key0))){
const err7 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
}
if(data.schemaVersion !== undefined){
if(1 !== data.schemaVersion){
const err8 = {instancePath:instancePath+"/schemaVersion",schemaPath:"#/properties/schemaVersion/const",keyword:"const",params:{allowedValue: 1},message:"must be equal to constant"};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
}
if(data.runId !== undefined){
let data1 = data.runId;
if(typeof data1 === "string"){
if(func2(data1) < 1){
const err9 = {instancePath:instancePath+"/runId",schemaPath:"#/properties/runId/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
}
else {
const err10 = {instancePath:instancePath+"/runId",schemaPath:"#/properties/runId/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
}
if(data.checkpoint !== undefined){
let data2 = data.checkpoint;
if(typeof data2 === "string"){
if(func2(data2) < 1){
const err11 = {instancePath:instancePath+"/checkpoint",schemaPath:"#/properties/checkpoint/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
}
else {
const err12 = {instancePath:instancePath+"/checkpoint",schemaPath:"#/properties/checkpoint/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
}
if(data.step !== undefined){
let data3 = data.step;
if(!(((typeof data3 == "number") && (!(data3 % 1) && !isNaN(data3))) && (isFinite(data3)))){
const err13 = {instancePath:instancePath+"/step",schemaPath:"#/properties/step/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
if((typeof data3 == "number") && (isFinite(data3))){
if(data3 < 0 || isNaN(data3)){
const err14 = {instancePath:instancePath+"/step",schemaPath:"#/properties/step/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
}
}
if(data.createdAt !== undefined){
let data4 = data.createdAt;
if(typeof data4 === "string"){
if(!(formats0.test(data4))){
const err15 = {instancePath:instancePath+"/createdAt",schemaPath:"#/properties/createdAt/format",keyword:"format",params:{format: "date-time"},message:"must match format \""+"date-time"+"\""};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
}
else {
const err16 = {instancePath:instancePath+"/createdAt",schemaPath:"#/properties/createdAt/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
}
if(data.seed !== undefined){
let data5 = data.seed;
if(!(((typeof data5 == "number") && (!(data5 % 1) && !isNaN(data5))) && (isFinite(data5)))){
const err17 = {instancePath:instancePath+"/seed",schemaPath:"#/properties/seed/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
if((typeof data5 == "number") && (isFinite(data5))){
if(data5 > 4294967295 || isNaN(data5)){
const err18 = {instancePath:instancePath+"/seed",schemaPath:"#/properties/seed/maximum",keyword:"maximum",params:{comparison: "<=", limit: 4294967295},message:"must be <= 4294967295"};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
if(data5 < 0 || isNaN(data5)){
const err19 = {instancePath:instancePath+"/seed",schemaPath:"#/properties/seed/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err19];
}
else {
vErrors.push(err19);
}
errors++;
}
}
}
if(data.temperature !== undefined){
let data6 = data.temperature;
if((typeof data6 == "number") && (isFinite(data6))){
if(data6 < 0 || isNaN(data6)){
const err20 = {instancePath:instancePath+"/temperature",schemaPath:"#/properties/temperature/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err20];
}
else {
vErrors.push(err20);
}
errors++;
}
}
else {
const err21 = {instancePath:instancePath+"/temperature",schemaPath:"#/properties/temperature/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err21];
}
else {
vErrors.push(err21);
}
errors++;
}
}
if(data.decoding !== undefined){
let data7 = data.decoding;
if(data7 && typeof data7 == "object" && !Array.isArray(data7)){
if(data7.source === undefined){
const err22 = {instancePath:instancePath+"/decoding",schemaPath:"metric-record.schema.json#/$defs/decoding/required",keyword:"required",params:{missingProperty: "source"},message:"must have required property '"+"source"+"'"};
if(vErrors === null){
vErrors = [err22];
}
else {
vErrors.push(err22);
}
errors++;
}
if(data7.doSample === undefined){
const err23 = {instancePath:instancePath+"/decoding",schemaPath:"metric-record.schema.json#/$defs/decoding/required",keyword:"required",params:{missingProperty: "doSample"},message:"must have required property '"+"doSample"+"'"};
if(vErrors === null){
vErrors = [err23];
}
else {
vErrors.push(err23);
}
errors++;
}
if(data7.maxNewTokens === undefined){
const err24 = {instancePath:instancePath+"/decoding",schemaPath:"metric-record.schema.json#/$defs/decoding/required",keyword:"required",params:{missingProperty: "maxNewTokens"},message:"must have required property '"+"maxNewTokens"+"'"};
if(vErrors === null){
vErrors = [err24];
}
else {
vErrors.push(err24);
}
errors++;
}
for(const key1 in data7){
if(!(((((((key1 === "source") || (key1 === "doSample")) || (key1 === "temperature")) || (key1 === "topP")) || (key1 === "topK")) || (key1 === "draws")) || (key1 === "maxNewTokens"))){
const err25 = {instancePath:instancePath+"/decoding",schemaPath:"metric-record.schema.json#/$defs/decoding/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err25];
}
else {
vErrors.push(err25);
}
errors++;
}
}
if(data7.source !== undefined){
let data8 = data7.source;
if(!((data8 === "configured") || (data8 === "model-defaults"))){
const err26 = {instancePath:instancePath+"/decoding/source",schemaPath:"metric-record.schema.json#/$defs/decoding/properties/source/enum",keyword:"enum",params:{allowedValues: schema45.properties.source.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err26];
}
else {
vErrors.push(err26);
}
errors++;
}
}
if(data7.doSample !== undefined){
if(typeof data7.doSample !== "boolean"){
const err27 = {instancePath:instancePath+"/decoding/doSample",schemaPath:"metric-record.schema.json#/$defs/decoding/properties/doSample/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};
if(vErrors === null){
vErrors = [err27];
}
else {
vErrors.push(err27);
}
errors++;
}
}
if(data7.temperature !== undefined){
let data10 = data7.temperature;
if((typeof data10 == "number") && (isFinite(data10))){
if(data10 < 0 || isNaN(data10)){
const err28 = {instancePath:instancePath+"/decoding/temperature",schemaPath:"metric-record.schema.json#/$defs/decoding/properties/temperature/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err28];
}
else {
vErrors.push(err28);
}
errors++;
}
}
else {
const err29 = {instancePath:instancePath+"/decoding/temperature",schemaPath:"metric-record.schema.json#/$defs/decoding/properties/temperature/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err29];
}
else {
vErrors.push(err29);
}
errors++;
}
}
if(data7.topP !== undefined){
let data11 = data7.topP;
if((typeof data11 == "number") && (isFinite(data11))){
if(data11 > 1 || isNaN(data11)){
const err30 = {instancePath:instancePath+"/decoding/topP",schemaPath:"metric-record.schema.json#/$defs/decoding/properties/topP/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1},message:"must be <= 1"};
if(vErrors === null){
vErrors = [err30];
}
else {
vErrors.push(err30);
}
errors++;
}
if(data11 < 0 || isNaN(data11)){
const err31 = {instancePath:instancePath+"/decoding/topP",schemaPath:"metric-record.schema.json#/$defs/decoding/properties/topP/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err31];
}
else {
vErrors.push(err31);
}
errors++;
}
}
else {
const err32 = {instancePath:instancePath+"/decoding/topP",schemaPath:"metric-record.schema.json#/$defs/decoding/properties/topP/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err32];
}
else {
vErrors.push(err32);
}
errors++;
}
}
if(data7.topK !== undefined){
let data12 = data7.topK;
if(!(((typeof data12 == "number") && (!(data12 % 1) && !isNaN(data12))) && (isFinite(data12)))){
const err33 = {instancePath:instancePath+"/decoding/topK",schemaPath:"metric-record.schema.json#/$defs/decoding/properties/topK/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err33];
}
else {
vErrors.push(err33);
}
errors++;
}
if((typeof data12 == "number") && (isFinite(data12))){
if(data12 < 0 || isNaN(data12)){
const err34 = {instancePath:instancePath+"/decoding/topK",schemaPath:"metric-record.schema.json#/$defs/decoding/properties/topK/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err34];
}
else {
vErrors.push(err34);
}
errors++;
}
}
}
if(data7.draws !== undefined){
let data13 = data7.draws;
if(!((data13 === "per-episode") || (data13 === "per-process"))){
const err35 = {instancePath:instancePath+"/decoding/draws",schemaPath:"metric-record.schema.json#/$defs/decoding/properties/draws/enum",keyword:"enum",params:{allowedValues: schema45.properties.draws.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err35];
}
else {
vErrors.push(err35);
}
errors++;
}
}
if(data7.maxNewTokens !== undefined){
let data14 = data7.maxNewTokens;
if(!(((typeof data14 == "number") && (!(data14 % 1) && !isNaN(data14))) && (isFinite(data14)))){
const err36 = {instancePath:instancePath+"/decoding/maxNewTokens",schemaPath:"metric-record.schema.json#/$defs/decoding/properties/maxNewTokens/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err36];
}
else {
vErrors.push(err36);
}
errors++;
}
if((typeof data14 == "number") && (isFinite(data14))){
if(data14 < 1 || isNaN(data14)){
const err37 = {instancePath:instancePath+"/decoding/maxNewTokens",schemaPath:"metric-record.schema.json#/$defs/decoding/properties/maxNewTokens/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err37];
}
else {
vErrors.push(err37);
}
errors++;
}
}
}
}
else {
const err38 = {instancePath:instancePath+"/decoding",schemaPath:"metric-record.schema.json#/$defs/decoding/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err38];
}
else {
vErrors.push(err38);
}
errors++;
}
}
if(data.episodesFile !== undefined){
if(typeof data.episodesFile !== "string"){
const err39 = {instancePath:instancePath+"/episodesFile",schemaPath:"#/properties/episodesFile/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err39];
}
else {
vErrors.push(err39);
}
errors++;
}
}
if(data.compute !== undefined){
let data16 = data.compute;
if(data16 && typeof data16 == "object" && !Array.isArray(data16)){
if(data16.parameters === undefined){
const err40 = {instancePath:instancePath+"/compute",schemaPath:"metric-record.schema.json#/$defs/compute/required",keyword:"required",params:{missingProperty: "parameters"},message:"must have required property '"+"parameters"+"'"};
if(vErrors === null){
vErrors = [err40];
}
else {
vErrors.push(err40);
}
errors++;
}
if(data16.trainTokens === undefined){
const err41 = {instancePath:instancePath+"/compute",schemaPath:"metric-record.schema.json#/$defs/compute/required",keyword:"required",params:{missingProperty: "trainTokens"},message:"must have required property '"+"trainTokens"+"'"};
if(vErrors === null){
vErrors = [err41];
}
else {
vErrors.push(err41);
}
errors++;
}
if(data16.inferenceTokens === undefined){
const err42 = {instancePath:instancePath+"/compute",schemaPath:"metric-record.schema.json#/$defs/compute/required",keyword:"required",params:{missingProperty: "inferenceTokens"},message:"must have required property '"+"inferenceTokens"+"'"};
if(vErrors === null){
vErrors = [err42];
}
else {
vErrors.push(err42);
}
errors++;
}
if(data16.gflops === undefined){
const err43 = {instancePath:instancePath+"/compute",schemaPath:"metric-record.schema.json#/$defs/compute/required",keyword:"required",params:{missingProperty: "gflops"},message:"must have required property '"+"gflops"+"'"};
if(vErrors === null){
vErrors = [err43];
}
else {
vErrors.push(err43);
}
errors++;
}
for(const key2 in data16){
if(!((((((((key2 === "parameters") || (key2 === "initTokens")) || (key2 === "trainTokens")) || (key2 === "inferenceTokens")) || (key2 === "visualTrainTokens")) || (key2 === "visualInferenceTokens")) || (key2 === "gflops")) || (key2 === "gflopsPaperApprox"))){
const err44 = {instancePath:instancePath+"/compute",schemaPath:"metric-record.schema.json#/$defs/compute/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key2},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err44];
}
else {
vErrors.push(err44);
}
errors++;
}
}
if(data16.parameters !== undefined){
let data17 = data16.parameters;
if(!(((typeof data17 == "number") && (!(data17 % 1) && !isNaN(data17))) && (isFinite(data17)))){
const err45 = {instancePath:instancePath+"/compute/parameters",schemaPath:"metric-record.schema.json#/$defs/compute/properties/parameters/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err45];
}
else {
vErrors.push(err45);
}
errors++;
}
if((typeof data17 == "number") && (isFinite(data17))){
if(data17 < 0 || isNaN(data17)){
const err46 = {instancePath:instancePath+"/compute/parameters",schemaPath:"metric-record.schema.json#/$defs/compute/properties/parameters/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err46];
}
else {
vErrors.push(err46);
}
errors++;
}
}
}
if(data16.initTokens !== undefined){
let data18 = data16.initTokens;
if(!(((typeof data18 == "number") && (!(data18 % 1) && !isNaN(data18))) && (isFinite(data18)))){
const err47 = {instancePath:instancePath+"/compute/initTokens",schemaPath:"metric-record.schema.json#/$defs/compute/properties/initTokens/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err47];
}
else {
vErrors.push(err47);
}
errors++;
}
if((typeof data18 == "number") && (isFinite(data18))){
if(data18 < 0 || isNaN(data18)){
const err48 = {instancePath:instancePath+"/compute/initTokens",schemaPath:"metric-record.schema.json#/$defs/compute/properties/initTokens/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err48];
}
else {
vErrors.push(err48);
}
errors++;
}
}
}
if(data16.trainTokens !== undefined){
let data19 = data16.trainTokens;
if(!(((typeof data19 == "number") && (!(data19 % 1) && !isNaN(data19))) && (isFinite(data19)))){
const err49 = {instancePath:instancePath+"/compute/trainTokens",schemaPath:"metric-record.schema.json#/$defs/compute/properties/trainTokens/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err49];
}
else {
vErrors.push(err49);
}
errors++;
}
if((typeof data19 == "number") && (isFinite(data19))){
if(data19 < 0 || isNaN(data19)){
const err50 = {instancePath:instancePath+"/compute/trainTokens",schemaPath:"metric-record.schema.json#/$defs/compute/properties/trainTokens/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err50];
}
else {
vErrors.push(err50);
}
errors++;
}
}
}
if(data16.inferenceTokens !== undefined){
let data20 = data16.inferenceTokens;
if(!(((typeof data20 == "number") && (!(data20 % 1) && !isNaN(data20))) && (isFinite(data20)))){
const err51 = {instancePath:instancePath+"/compute/inferenceTokens",schemaPath:"metric-record.schema.json#/$defs/compute/properties/inferenceTokens/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err51];
}
else {
vErrors.push(err51);
}
errors++;
}
if((typeof data20 == "number") && (isFinite(data20))){
if(data20 < 0 || isNaN(data20)){
const err52 = {instancePath:instancePath+"/compute/inferenceTokens",schemaPath:"metric-record.schema.json#/$defs/compute/properties/inferenceTokens/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err52];
}
else {
vErrors.push(err52);
}
errors++;
}
}
}
if(data16.visualTrainTokens !== undefined){
let data21 = data16.visualTrainTokens;
if(!(((typeof data21 == "number") && (!(data21 % 1) && !isNaN(data21))) && (isFinite(data21)))){
const err53 = {instancePath:instancePath+"/compute/visualTrainTokens",schemaPath:"metric-record.schema.json#/$defs/compute/properties/visualTrainTokens/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err53];
}
else {
vErrors.push(err53);
}
errors++;
}
if((typeof data21 == "number") && (isFinite(data21))){
if(data21 < 0 || isNaN(data21)){
const err54 = {instancePath:instancePath+"/compute/visualTrainTokens",schemaPath:"metric-record.schema.json#/$defs/compute/properties/visualTrainTokens/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err54];
}
else {
vErrors.push(err54);
}
errors++;
}
}
}
if(data16.visualInferenceTokens !== undefined){
let data22 = data16.visualInferenceTokens;
if(!(((typeof data22 == "number") && (!(data22 % 1) && !isNaN(data22))) && (isFinite(data22)))){
const err55 = {instancePath:instancePath+"/compute/visualInferenceTokens",schemaPath:"metric-record.schema.json#/$defs/compute/properties/visualInferenceTokens/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err55];
}
else {
vErrors.push(err55);
}
errors++;
}
if((typeof data22 == "number") && (isFinite(data22))){
if(data22 < 0 || isNaN(data22)){
const err56 = {instancePath:instancePath+"/compute/visualInferenceTokens",schemaPath:"metric-record.schema.json#/$defs/compute/properties/visualInferenceTokens/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err56];
}
else {
vErrors.push(err56);
}
errors++;
}
}
}
if(data16.gflops !== undefined){
let data23 = data16.gflops;
if((typeof data23 == "number") && (isFinite(data23))){
if(data23 < 0 || isNaN(data23)){
const err57 = {instancePath:instancePath+"/compute/gflops",schemaPath:"metric-record.schema.json#/$defs/compute/properties/gflops/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err57];
}
else {
vErrors.push(err57);
}
errors++;
}
}
else {
const err58 = {instancePath:instancePath+"/compute/gflops",schemaPath:"metric-record.schema.json#/$defs/compute/properties/gflops/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err58];
}
else {
vErrors.push(err58);
}
errors++;
}
}
if(data16.gflopsPaperApprox !== undefined){
let data24 = data16.gflopsPaperApprox;
if((typeof data24 == "number") && (isFinite(data24))){
if(data24 < 0 || isNaN(data24)){
const err59 = {instancePath:instancePath+"/compute/gflopsPaperApprox",schemaPath:"metric-record.schema.json#/$defs/compute/properties/gflopsPaperApprox/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err59];
}
else {
vErrors.push(err59);
}
errors++;
}
}
else {
const err60 = {instancePath:instancePath+"/compute/gflopsPaperApprox",schemaPath:"metric-record.schema.json#/$defs/compute/properties/gflopsPaperApprox/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err60];
}
else {
vErrors.push(err60);
}
errors++;
}
}
}
else {
const err61 = {instancePath:instancePath+"/compute",schemaPath:"metric-record.schema.json#/$defs/compute/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err61];
}
else {
vErrors.push(err61);
}
errors++;
}
}
if(data.splits !== undefined){
let data25 = data.splits;
if(Array.isArray(data25)){
if(data25.length < 1){
const err62 = {instancePath:instancePath+"/splits",schemaPath:"#/properties/splits/minItems",keyword:"minItems",params:{limit: 1},message:"must NOT have fewer than 1 items"};
if(vErrors === null){
vErrors = [err62];
}
else {
vErrors.push(err62);
}
errors++;
}
const len0 = data25.length;
for(let i0=0; i0<len0; i0++){
let data26 = data25[i0];
if(data26 && typeof data26 == "object" && !Array.isArray(data26)){
if(data26.name === undefined){
const err63 = {instancePath:instancePath+"/splits/" + i0,schemaPath:"#/properties/splits/items/required",keyword:"required",params:{missingProperty: "name"},message:"must have required property '"+"name"+"'"};
if(vErrors === null){
vErrors = [err63];
}
else {
vErrors.push(err63);
}
errors++;
}
if(data26.kind === undefined){
const err64 = {instancePath:instancePath+"/splits/" + i0,schemaPath:"#/properties/splits/items/required",keyword:"required",params:{missingProperty: "kind"},message:"must have required property '"+"kind"+"'"};
if(vErrors === null){
vErrors = [err64];
}
else {
vErrors.push(err64);
}
errors++;
}
if(data26.episodes === undefined){
const err65 = {instancePath:instancePath+"/splits/" + i0,schemaPath:"#/properties/splits/items/required",keyword:"required",params:{missingProperty: "episodes"},message:"must have required property '"+"episodes"+"'"};
if(vErrors === null){
vErrors = [err65];
}
else {
vErrors.push(err65);
}
errors++;
}
if(data26.success === undefined){
const err66 = {instancePath:instancePath+"/splits/" + i0,schemaPath:"#/properties/splits/items/required",keyword:"required",params:{missingProperty: "success"},message:"must have required property '"+"success"+"'"};
if(vErrors === null){
vErrors = [err66];
}
else {
vErrors.push(err66);
}
errors++;
}
if(data26.environment === undefined){
const err67 = {instancePath:instancePath+"/splits/" + i0,schemaPath:"#/properties/splits/items/required",keyword:"required",params:{missingProperty: "environment"},message:"must have required property '"+"environment"+"'"};
if(vErrors === null){
vErrors = [err67];
}
else {
vErrors.push(err67);
}
errors++;
}
for(const key3 in data26){
if(!(func1.call(schema36.properties.splits.items.properties, key3))){
const err68 = {instancePath:instancePath+"/splits/" + i0,schemaPath:"#/properties/splits/items/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key3},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err68];
}
else {
vErrors.push(err68);
}
errors++;
}
}
if(data26.name !== undefined){
let data27 = data26.name;
if(typeof data27 === "string"){
if(func2(data27) < 1){
const err69 = {instancePath:instancePath+"/splits/" + i0+"/name",schemaPath:"#/properties/splits/items/properties/name/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err69];
}
else {
vErrors.push(err69);
}
errors++;
}
}
else {
const err70 = {instancePath:instancePath+"/splits/" + i0+"/name",schemaPath:"#/properties/splits/items/properties/name/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err70];
}
else {
vErrors.push(err70);
}
errors++;
}
}
if(data26.kind !== undefined){
let data28 = data26.kind;
if(!(((data28 === "id") || (data28 === "rule-ood")) || (data28 === "visual-ood"))){
const err71 = {instancePath:instancePath+"/splits/" + i0+"/kind",schemaPath:"#/properties/splits/items/properties/kind/enum",keyword:"enum",params:{allowedValues: schema36.properties.splits.items.properties.kind.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err71];
}
else {
vErrors.push(err71);
}
errors++;
}
}
if(data26.environment !== undefined){
let data29 = data26.environment;
if(data29 && typeof data29 == "object" && !Array.isArray(data29)){
if(data29.env === undefined){
const err72 = {instancePath:instancePath+"/splits/" + i0+"/environment",schemaPath:"#/properties/splits/items/properties/environment/required",keyword:"required",params:{missingProperty: "env"},message:"must have required property '"+"env"+"'"};
if(vErrors === null){
vErrors = [err72];
}
else {
vErrors.push(err72);
}
errors++;
}
}
else {
const err73 = {instancePath:instancePath+"/splits/" + i0+"/environment",schemaPath:"#/properties/splits/items/properties/environment/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err73];
}
else {
vErrors.push(err73);
}
errors++;
}
}
if(data26.episodes !== undefined){
let data30 = data26.episodes;
if(!(((typeof data30 == "number") && (!(data30 % 1) && !isNaN(data30))) && (isFinite(data30)))){
const err74 = {instancePath:instancePath+"/splits/" + i0+"/episodes",schemaPath:"#/properties/splits/items/properties/episodes/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err74];
}
else {
vErrors.push(err74);
}
errors++;
}
if((typeof data30 == "number") && (isFinite(data30))){
if(data30 < 0 || isNaN(data30)){
const err75 = {instancePath:instancePath+"/splits/" + i0+"/episodes",schemaPath:"#/properties/splits/items/properties/episodes/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err75];
}
else {
vErrors.push(err75);
}
errors++;
}
}
}
if(data26.success !== undefined){
let data31 = data26.success;
if(data31 && typeof data31 == "object" && !Array.isArray(data31)){
if(data31.rate === undefined){
const err76 = {instancePath:instancePath+"/splits/" + i0+"/success",schemaPath:"metric-record.schema.json#/$defs/rate/required",keyword:"required",params:{missingProperty: "rate"},message:"must have required property '"+"rate"+"'"};
if(vErrors === null){
vErrors = [err76];
}
else {
vErrors.push(err76);
}
errors++;
}
if(data31.stderr === undefined){
const err77 = {instancePath:instancePath+"/splits/" + i0+"/success",schemaPath:"metric-record.schema.json#/$defs/rate/required",keyword:"required",params:{missingProperty: "stderr"},message:"must have required property '"+"stderr"+"'"};
if(vErrors === null){
vErrors = [err77];
}
else {
vErrors.push(err77);
}
errors++;
}
if(data31.n === undefined){
const err78 = {instancePath:instancePath+"/splits/" + i0+"/success",schemaPath:"metric-record.schema.json#/$defs/rate/required",keyword:"required",params:{missingProperty: "n"},message:"must have required property '"+"n"+"'"};
if(vErrors === null){
vErrors = [err78];
}
else {
vErrors.push(err78);
}
errors++;
}
for(const key4 in data31){
if(!(((key4 === "rate") || (key4 === "stderr")) || (key4 === "n"))){
const err79 = {instancePath:instancePath+"/splits/" + i0+"/success",schemaPath:"metric-record.schema.json#/$defs/rate/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key4},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err79];
}
else {
vErrors.push(err79);
}
errors++;
}
}
if(data31.rate !== undefined){
let data32 = data31.rate;
if((typeof data32 == "number") && (isFinite(data32))){
if(data32 > 1 || isNaN(data32)){
const err80 = {instancePath:instancePath+"/splits/" + i0+"/success/rate",schemaPath:"metric-record.schema.json#/$defs/rate/properties/rate/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1},message:"must be <= 1"};
if(vErrors === null){
vErrors = [err80];
}
else {
vErrors.push(err80);
}
errors++;
}
if(data32 < 0 || isNaN(data32)){
const err81 = {instancePath:instancePath+"/splits/" + i0+"/success/rate",schemaPath:"metric-record.schema.json#/$defs/rate/properties/rate/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err81];
}
else {
vErrors.push(err81);
}
errors++;
}
}
else {
const err82 = {instancePath:instancePath+"/splits/" + i0+"/success/rate",schemaPath:"metric-record.schema.json#/$defs/rate/properties/rate/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err82];
}
else {
vErrors.push(err82);
}
errors++;
}
}
if(data31.stderr !== undefined){
let data33 = data31.stderr;
if((typeof data33 == "number") && (isFinite(data33))){
if(data33 < 0 || isNaN(data33)){
const err83 = {instancePath:instancePath+"/splits/" + i0+"/success/stderr",schemaPath:"metric-record.schema.json#/$defs/rate/properties/stderr/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err83];
}
else {
vErrors.push(err83);
}
errors++;
}
}
else {
const err84 = {instancePath:instancePath+"/splits/" + i0+"/success/stderr",schemaPath:"metric-record.schema.json#/$defs/rate/properties/stderr/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err84];
}
else {
vErrors.push(err84);
}
errors++;
}
}
if(data31.n !== undefined){
let data34 = data31.n;
if(!(((typeof data34 == "number") && (!(data34 % 1) && !isNaN(data34))) && (isFinite(data34)))){
const err85 = {instancePath:instancePath+"/splits/" + i0+"/success/n",schemaPath:"metric-record.schema.json#/$defs/rate/properties/n/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err85];
}
else {
vErrors.push(err85);
}
errors++;
}
if((typeof data34 == "number") && (isFinite(data34))){
if(data34 < 0 || isNaN(data34)){
const err86 = {instancePath:instancePath+"/splits/" + i0+"/success/n",schemaPath:"metric-record.schema.json#/$defs/rate/properties/n/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err86];
}
else {
vErrors.push(err86);
}
errors++;
}
}
}
}
else {
const err87 = {instancePath:instancePath+"/splits/" + i0+"/success",schemaPath:"metric-record.schema.json#/$defs/rate/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err87];
}
else {
vErrors.push(err87);
}
errors++;
}
}
if(data26.perStepAccuracy !== undefined){
let data35 = data26.perStepAccuracy;
if(data35 && typeof data35 == "object" && !Array.isArray(data35)){
if(data35.rate === undefined){
const err88 = {instancePath:instancePath+"/splits/" + i0+"/perStepAccuracy",schemaPath:"metric-record.schema.json#/$defs/rate/required",keyword:"required",params:{missingProperty: "rate"},message:"must have required property '"+"rate"+"'"};
if(vErrors === null){
vErrors = [err88];
}
else {
vErrors.push(err88);
}
errors++;
}
if(data35.stderr === undefined){
const err89 = {instancePath:instancePath+"/splits/" + i0+"/perStepAccuracy",schemaPath:"metric-record.schema.json#/$defs/rate/required",keyword:"required",params:{missingProperty: "stderr"},message:"must have required property '"+"stderr"+"'"};
if(vErrors === null){
vErrors = [err89];
}
else {
vErrors.push(err89);
}
errors++;
}
if(data35.n === undefined){
const err90 = {instancePath:instancePath+"/splits/" + i0+"/perStepAccuracy",schemaPath:"metric-record.schema.json#/$defs/rate/required",keyword:"required",params:{missingProperty: "n"},message:"must have required property '"+"n"+"'"};
if(vErrors === null){
vErrors = [err90];
}
else {
vErrors.push(err90);
}
errors++;
}
for(const key5 in data35){
if(!(((key5 === "rate") || (key5 === "stderr")) || (key5 === "n"))){
const err91 = {instancePath:instancePath+"/splits/" + i0+"/perStepAccuracy",schemaPath:"metric-record.schema.json#/$defs/rate/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key5},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err91];
}
else {
vErrors.push(err91);
}
errors++;
}
}
if(data35.rate !== undefined){
let data36 = data35.rate;
if((typeof data36 == "number") && (isFinite(data36))){
if(data36 > 1 || isNaN(data36)){
const err92 = {instancePath:instancePath+"/splits/" + i0+"/perStepAccuracy/rate",schemaPath:"metric-record.schema.json#/$defs/rate/properties/rate/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1},message:"must be <= 1"};
if(vErrors === null){
vErrors = [err92];
}
else {
vErrors.push(err92);
}
errors++;
}
if(data36 < 0 || isNaN(data36)){
const err93 = {instancePath:instancePath+"/splits/" + i0+"/perStepAccuracy/rate",schemaPath:"metric-record.schema.json#/$defs/rate/properties/rate/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err93];
}
else {
vErrors.push(err93);
}
errors++;
}
}
else {
const err94 = {instancePath:instancePath+"/splits/" + i0+"/perStepAccuracy/rate",schemaPath:"metric-record.schema.json#/$defs/rate/properties/rate/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err94];
}
else {
vErrors.push(err94);
}
errors++;
}
}
if(data35.stderr !== undefined){
let data37 = data35.stderr;
if((typeof data37 == "number") && (isFinite(data37))){
if(data37 < 0 || isNaN(data37)){
const err95 = {instancePath:instancePath+"/splits/" + i0+"/perStepAccuracy/stderr",schemaPath:"metric-record.schema.json#/$defs/rate/properties/stderr/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err95];
}
else {
vErrors.push(err95);
}
errors++;
}
}
else {
const err96 = {instancePath:instancePath+"/splits/" + i0+"/perStepAccuracy/stderr",schemaPath:"metric-record.schema.json#/$defs/rate/properties/stderr/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err96];
}
else {
vErrors.push(err96);
}
errors++;
}
}
if(data35.n !== undefined){
let data38 = data35.n;
if(!(((typeof data38 == "number") && (!(data38 % 1) && !isNaN(data38))) && (isFinite(data38)))){
const err97 = {instancePath:instancePath+"/splits/" + i0+"/perStepAccuracy/n",schemaPath:"metric-record.schema.json#/$defs/rate/properties/n/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err97];
}
else {
vErrors.push(err97);
}
errors++;
}
if((typeof data38 == "number") && (isFinite(data38))){
if(data38 < 0 || isNaN(data38)){
const err98 = {instancePath:instancePath+"/splits/" + i0+"/perStepAccuracy/n",schemaPath:"metric-record.schema.json#/$defs/rate/properties/n/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err98];
}
else {
vErrors.push(err98);
}
errors++;
}
}
}
}
else {
const err99 = {instancePath:instancePath+"/splits/" + i0+"/perStepAccuracy",schemaPath:"metric-record.schema.json#/$defs/rate/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err99];
}
else {
vErrors.push(err99);
}
errors++;
}
}
if(data26.perStepAccuracyReference !== undefined){
let data39 = data26.perStepAccuracyReference;
if(data39 && typeof data39 == "object" && !Array.isArray(data39)){
if(data39.rate === undefined){
const err100 = {instancePath:instancePath+"/splits/" + i0+"/perStepAccuracyReference",schemaPath:"metric-record.schema.json#/$defs/rate/required",keyword:"required",params:{missingProperty: "rate"},message:"must have required property '"+"rate"+"'"};
if(vErrors === null){
vErrors = [err100];
}
else {
vErrors.push(err100);
}
errors++;
}
if(data39.stderr === undefined){
const err101 = {instancePath:instancePath+"/splits/" + i0+"/perStepAccuracyReference",schemaPath:"metric-record.schema.json#/$defs/rate/required",keyword:"required",params:{missingProperty: "stderr"},message:"must have required property '"+"stderr"+"'"};
if(vErrors === null){
vErrors = [err101];
}
else {
vErrors.push(err101);
}
errors++;
}
if(data39.n === undefined){
const err102 = {instancePath:instancePath+"/splits/" + i0+"/perStepAccuracyReference",schemaPath:"metric-record.schema.json#/$defs/rate/required",keyword:"required",params:{missingProperty: "n"},message:"must have required property '"+"n"+"'"};
if(vErrors === null){
vErrors = [err102];
}
else {
vErrors.push(err102);
}
errors++;
}
for(const key6 in data39){
if(!(((key6 === "rate") || (key6 === "stderr")) || (key6 === "n"))){
const err103 = {instancePath:instancePath+"/splits/" + i0+"/perStepAccuracyReference",schemaPath:"metric-record.schema.json#/$defs/rate/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key6},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err103];
}
else {
vErrors.push(err103);
}
errors++;
}
}
if(data39.rate !== undefined){
let data40 = data39.rate;
if((typeof data40 == "number") && (isFinite(data40))){
if(data40 > 1 || isNaN(data40)){
const err104 = {instancePath:instancePath+"/splits/" + i0+"/perStepAccuracyReference/rate",schemaPath:"metric-record.schema.json#/$defs/rate/properties/rate/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1},message:"must be <= 1"};
if(vErrors === null){
vErrors = [err104];
}
else {
vErrors.push(err104);
}
errors++;
}
if(data40 < 0 || isNaN(data40)){
const err105 = {instancePath:instancePath+"/splits/" + i0+"/perStepAccuracyReference/rate",schemaPath:"metric-record.schema.json#/$defs/rate/properties/rate/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err105];
}
else {
vErrors.push(err105);
}
errors++;
}
}
else {
const err106 = {instancePath:instancePath+"/splits/" + i0+"/perStepAccuracyReference/rate",schemaPath:"metric-record.schema.json#/$defs/rate/properties/rate/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err106];
}
else {
vErrors.push(err106);
}
errors++;
}
}
if(data39.stderr !== undefined){
let data41 = data39.stderr;
if((typeof data41 == "number") && (isFinite(data41))){
if(data41 < 0 || isNaN(data41)){
const err107 = {instancePath:instancePath+"/splits/" + i0+"/perStepAccuracyReference/stderr",schemaPath:"metric-record.schema.json#/$defs/rate/properties/stderr/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err107];
}
else {
vErrors.push(err107);
}
errors++;
}
}
else {
const err108 = {instancePath:instancePath+"/splits/" + i0+"/perStepAccuracyReference/stderr",schemaPath:"metric-record.schema.json#/$defs/rate/properties/stderr/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err108];
}
else {
vErrors.push(err108);
}
errors++;
}
}
if(data39.n !== undefined){
let data42 = data39.n;
if(!(((typeof data42 == "number") && (!(data42 % 1) && !isNaN(data42))) && (isFinite(data42)))){
const err109 = {instancePath:instancePath+"/splits/" + i0+"/perStepAccuracyReference/n",schemaPath:"metric-record.schema.json#/$defs/rate/properties/n/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err109];
}
else {
vErrors.push(err109);
}
errors++;
}
if((typeof data42 == "number") && (isFinite(data42))){
if(data42 < 0 || isNaN(data42)){
const err110 = {instancePath:instancePath+"/splits/" + i0+"/perStepAccuracyReference/n",schemaPath:"metric-record.schema.json#/$defs/rate/properties/n/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err110];
}
else {
vErrors.push(err110);
}
errors++;
}
}
}
}
else {
const err111 = {instancePath:instancePath+"/splits/" + i0+"/perStepAccuracyReference",schemaPath:"metric-record.schema.json#/$defs/rate/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err111];
}
else {
vErrors.push(err111);
}
errors++;
}
}
if(data26.recognition !== undefined){
let data43 = data26.recognition;
if(data43 && typeof data43 == "object" && !Array.isArray(data43)){
if(data43.rate === undefined){
const err112 = {instancePath:instancePath+"/splits/" + i0+"/recognition",schemaPath:"metric-record.schema.json#/$defs/rate/required",keyword:"required",params:{missingProperty: "rate"},message:"must have required property '"+"rate"+"'"};
if(vErrors === null){
vErrors = [err112];
}
else {
vErrors.push(err112);
}
errors++;
}
if(data43.stderr === undefined){
const err113 = {instancePath:instancePath+"/splits/" + i0+"/recognition",schemaPath:"metric-record.schema.json#/$defs/rate/required",keyword:"required",params:{missingProperty: "stderr"},message:"must have required property '"+"stderr"+"'"};
if(vErrors === null){
vErrors = [err113];
}
else {
vErrors.push(err113);
}
errors++;
}
if(data43.n === undefined){
const err114 = {instancePath:instancePath+"/splits/" + i0+"/recognition",schemaPath:"metric-record.schema.json#/$defs/rate/required",keyword:"required",params:{missingProperty: "n"},message:"must have required property '"+"n"+"'"};
if(vErrors === null){
vErrors = [err114];
}
else {
vErrors.push(err114);
}
errors++;
}
for(const key7 in data43){
if(!(((key7 === "rate") || (key7 === "stderr")) || (key7 === "n"))){
const err115 = {instancePath:instancePath+"/splits/" + i0+"/recognition",schemaPath:"metric-record.schema.json#/$defs/rate/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key7},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err115];
}
else {
vErrors.push(err115);
}
errors++;
}
}
if(data43.rate !== undefined){
let data44 = data43.rate;
if((typeof data44 == "number") && (isFinite(data44))){
if(data44 > 1 || isNaN(data44)){
const err116 = {instancePath:instancePath+"/splits/" + i0+"/recognition/rate",schemaPath:"metric-record.schema.json#/$defs/rate/properties/rate/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1},message:"must be <= 1"};
if(vErrors === null){
vErrors = [err116];
}
else {
vErrors.push(err116);
}
errors++;
}
if(data44 < 0 || isNaN(data44)){
const err117 = {instancePath:instancePath+"/splits/" + i0+"/recognition/rate",schemaPath:"metric-record.schema.json#/$defs/rate/properties/rate/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err117];
}
else {
vErrors.push(err117);
}
errors++;
}
}
else {
const err118 = {instancePath:instancePath+"/splits/" + i0+"/recognition/rate",schemaPath:"metric-record.schema.json#/$defs/rate/properties/rate/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err118];
}
else {
vErrors.push(err118);
}
errors++;
}
}
if(data43.stderr !== undefined){
let data45 = data43.stderr;
if((typeof data45 == "number") && (isFinite(data45))){
if(data45 < 0 || isNaN(data45)){
const err119 = {instancePath:instancePath+"/splits/" + i0+"/recognition/stderr",schemaPath:"metric-record.schema.json#/$defs/rate/properties/stderr/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err119];
}
else {
vErrors.push(err119);
}
errors++;
}
}
else {
const err120 = {instancePath:instancePath+"/splits/" + i0+"/recognition/stderr",schemaPath:"metric-record.schema.json#/$defs/rate/properties/stderr/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err120];
}
else {
vErrors.push(err120);
}
errors++;
}
}
if(data43.n !== undefined){
let data46 = data43.n;
if(!(((typeof data46 == "number") && (!(data46 % 1) && !isNaN(data46))) && (isFinite(data46)))){
const err121 = {instancePath:instancePath+"/splits/" + i0+"/recognition/n",schemaPath:"metric-record.schema.json#/$defs/rate/properties/n/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err121];
}
else {
vErrors.push(err121);
}
errors++;
}
if((typeof data46 == "number") && (isFinite(data46))){
if(data46 < 0 || isNaN(data46)){
const err122 = {instancePath:instancePath+"/splits/" + i0+"/recognition/n",schemaPath:"metric-record.schema.json#/$defs/rate/properties/n/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err122];
}
else {
vErrors.push(err122);
}
errors++;
}
}
}
}
else {
const err123 = {instancePath:instancePath+"/splits/" + i0+"/recognition",schemaPath:"metric-record.schema.json#/$defs/rate/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err123];
}
else {
vErrors.push(err123);
}
errors++;
}
}
if(data26.meanReward !== undefined){
let data47 = data26.meanReward;
if(!((typeof data47 == "number") && (isFinite(data47)))){
const err124 = {instancePath:instancePath+"/splits/" + i0+"/meanReward",schemaPath:"#/properties/splits/items/properties/meanReward/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err124];
}
else {
vErrors.push(err124);
}
errors++;
}
}
if(data26.meanAttempts !== undefined){
let data48 = data26.meanAttempts;
if((typeof data48 == "number") && (isFinite(data48))){
if(data48 < 0 || isNaN(data48)){
const err125 = {instancePath:instancePath+"/splits/" + i0+"/meanAttempts",schemaPath:"#/properties/splits/items/properties/meanAttempts/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err125];
}
else {
vErrors.push(err125);
}
errors++;
}
}
else {
const err126 = {instancePath:instancePath+"/splits/" + i0+"/meanAttempts",schemaPath:"#/properties/splits/items/properties/meanAttempts/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err126];
}
else {
vErrors.push(err126);
}
errors++;
}
}
if(data26.failureModes !== undefined){
if(!(validate27(data26.failureModes, {instancePath:instancePath+"/splits/" + i0+"/failureModes",parentData:data26,parentDataProperty:"failureModes",rootData,dynamicAnchors}))){
vErrors = vErrors === null ? validate27.errors : vErrors.concat(validate27.errors);
errors = vErrors.length;
}
}
}
else {
const err127 = {instancePath:instancePath+"/splits/" + i0,schemaPath:"#/properties/splits/items/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err127];
}
else {
vErrors.push(err127);
}
errors++;
}
}
}
else {
const err128 = {instancePath:instancePath+"/splits",schemaPath:"#/properties/splits/type",keyword:"type",params:{type: "array"},message:"must be array"};
if(vErrors === null){
vErrors = [err128];
}
else {
vErrors.push(err128);
}
errors++;
}
}
}
else {
const err129 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err129];
}
else {
vErrors.push(err129);
}
errors++;
}
validate23.errors = vErrors;
return errors === 0;
}
validate23.evaluated = {"props":true,"dynamicProps":false,"dynamicItems":false};

export const experiment = validate29;
const schema53 = {"$schema":"https://json-schema.org/draft/2020-12/schema","$id":"https://schemas.ptlab.invalid/experiment.schema.json","title":"Post-Training Lab experiment (*.ptlab.json)","description":"One experiment: the training environment variant, the evaluation splits (ID and OOD variants), the model, the SFT and PPO recipes, the evaluation schedule and the launcher. Defaults are the paper's reference recipe (shared/spec/training.md).","type":"object","required":["name","environment","model"],"additionalProperties":false,"properties":{"$schema":{"type":"string","description":"Path or URL of this schema (optional; VS Code applies it to *.ptlab.json automatically)."},"name":{"type":"string","pattern":"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$","description":"Experiment name: letters, digits, '.', '_' or '-' (at most 64). Run folders are named after it."},"description":{"type":"string","description":"Free text shown in the Runs view and the dashboard."},"seed":{"type":"integer","minimum":0,"maximum":4294967295,"default":0,"description":"Global seed (32-bit unsigned) of training: SFT's data, its order and dropout, PPO's episodes, rollout sampling and mini-batches, fresh LoRA adapters and the value head (each process its own stream). Not the model's weights: a checkpoint or a named model loads as saved, and the embedded models are built once with seed 0 whatever this seed. Evaluation draws from evaluation.seed; a seed whose training episodes would meet the evaluation's seeds is refused."},"outputDir":{"type":"string","minLength":1,"default":"runs","description":"Folder, relative to this file, that receives the run folders."},"environment":{"$ref":"#/$defs/environment","description":"The training environment: the variant SFT data is drawn from and PPO is trained on. Evaluation splits override some of its keys."},"model":{"$ref":"#/$defs/model"},"sft":{"$ref":"#/$defs/sft"},"ppo":{"$ref":"#/$defs/ppo"},"evaluation":{"$ref":"#/$defs/evaluation"},"logging":{"$ref":"#/$defs/logging"},"alerts":{"$ref":"#/$defs/alerts"},"launcher":{"$ref":"#/$defs/launcher"}},"$defs":{"alerts":{"type":"object","description":"Rules the extension checks on this experiment's runs while they run (from run.json's copy of this config): each sends a VS Code notification once per run with a link to the point in the dashboard, and the assistant's ptlab_runAlerts tool lists them. Every rule is on by default; `enabled: false` turns one off.","additionalProperties":false,"properties":{"rewardCollapse":{"type":"object","additionalProperties":false,"description":"The mean of rollout/reward_mean over the last `window` updates falls `drop` or more (reward units) below its best `window`-update mean so far.","properties":{"enabled":{"type":"boolean","default":true},"window":{"type":"integer","minimum":1,"default":5},"drop":{"type":"number","exclusiveMinimum":0,"default":2}}},"entropyCollapse":{"type":"object","additionalProperties":false,"description":"ppo/entropy stays below `fraction` of its first update's value for `window` updates in a row.","properties":{"enabled":{"type":"boolean","default":true},"window":{"type":"integer","minimum":1,"default":3},"fraction":{"type":"number","exclusiveMinimum":0,"maximum":1,"default":0.1}}},"klSpike":{"type":"object","additionalProperties":false,"description":"ppo/approx_kl (how far an update moved the policy from the rollout's, per transition) exceeds `max`.","properties":{"enabled":{"type":"boolean","default":true},"max":{"type":"number","exclusiveMinimum":0,"default":0.1}}},"nonFinite":{"type":"object","additionalProperties":false,"description":"A loss or gradient is not finite: the run failed on it, PPO skipped transitions with non-finite log-probs (ppo/nonfinite_skipped), or an SFT step's gradient norm was not finite.","properties":{"enabled":{"type":"boolean","default":true}}},"stalledHeartbeat":{"type":"object","additionalProperties":false,"description":"A running run's heartbeat (run.json's heartbeatAt, every 10 s) is older than the ptlab.staleAfterSeconds setting.","properties":{"enabled":{"type":"boolean","default":true}}},"stalledProgress":{"type":"object","additionalProperties":false,"description":"A running run's heartbeat goes on but its job has not moved (run.json's activeAt: a generate call returned, a scoring or training micro-batch ran, a record was written) for `minutes` minutes: its processes wait on each other in a collective (a hang, which the job's collective timeout ends only after 2 hours), or one call takes that long.","properties":{"enabled":{"type":"boolean","default":true},"minutes":{"type":"number","exclusiveMinimum":0,"default":15}}}}},"logging":{"type":"object","description":"Where the trainer's metric records go besides metrics.jsonl.","additionalProperties":false,"properties":{"reportTo":{"type":"array","items":{"enum":["tensorboard","wandb"]},"uniqueItems":true,"default":[],"description":"Experiment trackers that also receive every metric record, under the same names (none by default). `tensorboard`: event files in RUN/tensorboard (needs the `tensorboard` package: pip install -e 'trainer[tensorboard]'); training metrics keep their names, evaluations are `eval/{split}/success` and the like, with `compute/gflops`. `wandb`: a W&B run in RUN/wandb under the same names, offline unless WANDB_MODE says otherwise (`wandb sync` uploads it; needs pip install -e 'trainer[wandb]'), one W&B run per process lifetime grouped by the run id."},"tokenRecordRate":{"type":"number","minimum":0,"maximum":1,"default":0.1,"description":"The share of PPO rollout episodes whose turns get per-token records in RUN/tokens.jsonl (token-record.schema.json): each generated token's sampling and training log-probs, entropy, weight and ratio at the update, with the turn's advantage, value and return; the transcript viewer shows them as heatmaps. Episodes are drawn by a hash of the run's seed and the episode's number (no random stream is touched). Costs a no-grad forward pass over the sampled turns per update; 0 turns it off."}}},"environment":{"description":"An environment variant: GeneralPoints or V-IRL with every key of shared/spec/environments.md.","type":"object","required":["env"],"discriminator":{"propertyName":"env"},"oneOf":[{"$ref":"#/$defs/generalPoints"},{"$ref":"#/$defs/virl"}]},"verifier":{"enum":["reference","strict"],"description":"`reference` reproduces the authors' code quirk for quirk (comparable with the paper); `strict` is exact and tolerant (the project's definition).","default":"strict"},"modality":{"enum":["language","vision"],"description":"`language`: observations as text (GP-L, V-IRL-L). `vision`: observations as an image (GP-VL cards, V-IRL-VL 2x2 street-view grid).","default":"language"},"generalPoints":{"type":"object","title":"GeneralPoints","required":["env"],"additionalProperties":false,"properties":{"env":{"const":"generalpoints","description":"Which environment: `generalpoints`: the 24-points card game (GP-L, GP-VL)."},"target":{"type":"integer","minimum":1,"maximum":1000000,"default":24,"description":"The number the formula must reach (24 in the paper). At most what four cards make (10000 under faceCards all-10, 28561 under 11-12-13); a target that none of 1000 hands dealt for an episode reaches is refused then."},"faceCards":{"enum":["all-10","11-12-13"],"default":"all-10","description":"Face-card rule: `all-10` (J, Q, K count as 10; the training rule) or `11-12-13` (J=11, Q=12, K=13; the rule-OOD variant)."},"sampling":{"enum":["any","at-least-one-face"],"default":"any","description":"`any` hand, or `at-least-one-face` (three ranks uniform 1..13 plus one uniform 11..13, shuffled; used for rule-OOD evaluation)."},"draw":{"enum":["deck","independent"],"default":"independent","description":"`deck`: 4 cards without replacement from 52. `independent`: each rank uniform 1..13 and suit uniform, duplicates allowed (the reference code's behaviour)."},"suits":{"enum":["all","black","red"],"default":"all","description":"Suits drawn: `all`, `black` (spades, clubs; GP-VL training) or `red` (hearts, diamonds; GP-VL visual OOD)."},"modality":{"$ref":"#/$defs/modality"},"maxVerify":{"type":"integer","minimum":1,"maximum":100,"default":5,"description":"Scored attempts per episode (sequential revision). 5 in the paper; 1 for recognition evaluations."},"verifier":{"$ref":"#/$defs/verifier"}}},"virl":{"type":"object","title":"V-IRL","required":["env"],"additionalProperties":false,"properties":{"env":{"const":"virl","description":"Which environment: `virl`: visual navigation along city routes (V-IRL-L, V-IRL-VL)."},"routes":{"$ref":"#/$defs/routeSource"},"actionSpace":{"enum":["absolute","relative"],"default":"absolute","description":"`absolute` (north, northeast, ...; training) or `relative` (left, right, slightly left, slightly right; rule OOD)."},"maxStraight":{"type":"integer","minimum":0,"maximum":100,"default":5,"description":"Most interpolated forward() points per straight segment of the expert rail."},"dropRate":{"type":"number","minimum":0,"maximum":1,"default":0.5,"description":"Probability that each interpolated forward() point is dropped."},"modality":{"$ref":"#/$defs/modality"},"maxVerify":{"type":"integer","minimum":1,"maximum":100,"default":2,"description":"Scored attempts per position; the budget resets whenever the agent moves."},"verifier":{"$ref":"#/$defs/verifier"},"panoramas":{"type":"string","minLength":1,"description":"Folder (relative to the config) of equirectangular panoramas with their metadata JSON (V-IRL-VL with route files): {route_id}/{place}.jpg and an optional {place}.json with the north rotation, where place is the point's index on the route's full rail, every forward() point kept (each segment's turn, then its maxStraight forward() points; the destination last), so the same on every seed. Synthetic routes render their own."}}},"routeSource":{"description":"Where routes come from: a reference-format route_infos.json file, or an offline synthetic city.","oneOf":[{"type":"object","title":"Route file","required":["file"],"additionalProperties":false,"properties":{"file":{"type":"string","minLength":1,"description":"Path (relative to the config) of a route_infos.json: a route dict, a list of them, or the authors' file, [[route, ...], count]."}}},{"type":"object","title":"Synthetic city","required":["synthetic"],"additionalProperties":false,"properties":{"synthetic":{"type":"object","additionalProperties":false,"required":["city"],"properties":{"city":{"type":"string","minLength":1,"description":"City style name; distinct cities look different (for visual OOD)."},"routes":{"type":"integer","minimum":1,"maximum":1000000,"default":1000,"description":"Number of routes to generate."},"seed":{"type":"integer","minimum":0,"maximum":4294967295,"default":0,"description":"Seed of the city generator."}}}}}]},"environmentOverrides":{"type":"object","description":"Keys of the training environment that this split changes; every other key is inherited. `env` cannot change.","not":{"required":["env"]},"properties":{"target":{"$ref":"#/$defs/generalPoints/properties/target"},"faceCards":{"$ref":"#/$defs/generalPoints/properties/faceCards"},"sampling":{"$ref":"#/$defs/generalPoints/properties/sampling"},"draw":{"$ref":"#/$defs/generalPoints/properties/draw"},"suits":{"$ref":"#/$defs/generalPoints/properties/suits"},"modality":{"$ref":"#/$defs/modality"},"maxVerify":{"type":"integer","minimum":1,"maximum":100,"description":"Scored attempts (GeneralPoints: per episode; V-IRL: per position)."},"verifier":{"$ref":"#/$defs/verifier"},"routes":{"$ref":"#/$defs/routeSource"},"actionSpace":{"$ref":"#/$defs/virl/properties/actionSpace"},"maxStraight":{"$ref":"#/$defs/virl/properties/maxStraight"},"dropRate":{"$ref":"#/$defs/virl/properties/dropRate"},"panoramas":{"$ref":"#/$defs/virl/properties/panoramas"}},"additionalProperties":false},"split":{"type":"object","required":["name","kind","episodes"],"additionalProperties":false,"properties":{"name":{"type":"string","pattern":"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$","description":"Split name used in records and curves, e.g. `id`, `ood-rule`, `ood-visual`."},"kind":{"enum":["id","rule-ood","visual-ood"],"description":"In-distribution (the training variant), rule OOD (held-out rule) or visual OOD (held-out look)."},"episodes":{"type":"integer","minimum":1,"maximum":1000000,"description":"Seeded episodes evaluated per point (234 for GeneralPoints, 48 or 18 for V-IRL in the paper)."},"overrides":{"$ref":"#/$defs/environmentOverrides"},"recognition":{"type":"boolean","default":false,"description":"Vision only: marks a split that measures card recognition. Every vision split's records report recognition accuracy (the fraction of attempts whose cards were recognized); the reference's recognition evaluation plays one attempt without verification, which a split gets with `\"maxVerify\": 1` in its overrides (as the GP-VL presets do)."},"eachRouteOnce":{"type":"boolean","default":false,"description":"V-IRL only: episode i runs route i of the split's routes, each route exactly once, in order (the reference's `order=True`, its VLN-mini evaluation: 18 routes, 9 cities). `episodes` must equal the number of routes, else the evaluation stops with an error."}}},"model":{"type":"object","description":"The base model: the embedded tiny default, or any Hugging Face causal LM or image-text-to-text model by name or local path.","required":["name"],"additionalProperties":false,"properties":{"name":{"type":"string","minLength":1,"description":"`embedded:tiny-lm` or `embedded:tiny-vlm` (random weights, built locally, no download), `embedded:gp-base` or `embedded:virl-base` (pretrained by the project for GeneralPoints and V-IRL, shipped with it; docs/base-model.md) or `embedded:gp-base-init` (their random weights, what `ptlab pretrain` starts from), a Hugging Face model id, or a local path (relative to the config: a folder there is preferred to a hub id of the same name).","examples":["embedded:tiny-lm","embedded:tiny-vlm","embedded:gp-base","embedded:virl-base","Qwen/Qwen2.5-0.5B-Instruct","meta-llama/Llama-3.2-11B-Vision-Instruct"]},"kind":{"enum":["causal-lm","image-text-to-text"],"default":"causal-lm","description":"`causal-lm` for language tasks, `image-text-to-text` for vision-language tasks."},"revision":{"type":"string","minLength":1,"description":"Hugging Face revision (branch, tag or commit)."},"dtype":{"enum":["auto","bf16","fp16","fp32"],"default":"auto","description":"Weights dtype: `auto` picks bf16 on GPUs that support it and fp32 on CPU. Trained bf16/fp16 weights are stepped through fp32 copies (Adam's moments in fp32 too: 12 bytes a trained parameter), as DeepSpeed's engine keeps them: an Adam step (about the learning rate) is under half of bf16's spacing for most weights, and would round away. FSDP refuses any dtype but fp32, LoRA runs too (it cannot flatten bf16 base weights with fp32 adapters): set fp32 there (it computes in launcher.mixedPrecision)."},"gradientCheckpointing":{"oneOf":[{"type":"boolean"},{"type":"object","additionalProperties":false,"required":["everyNLayers"],"properties":{"everyNLayers":{"type":"integer","minimum":1,"maximum":1024,"description":"Checkpoint one decoder layer in this many (transformers' every_n_layers); the others keep their activations. 1 is `true`."}}}],"default":false,"description":"Trade compute for memory during training: each checkpointed decoder layer keeps only its input and runs its forward again in backward. `true` checkpoints every layer; `{\"everyNLayers\": 2}` every other one, keeping about half the activations for half the recompute (`ptlab plan` shows each setting's memory)."},"compile":{"type":"boolean","default":false,"description":"torch.compile the training passes (SFT's loss forward, PPO's training forward) with dynamic shapes; rollouts, evaluation and checkpoints use the model as it is. The first passes pay the compile. Local and DDP launches (FSDP and DeepSpeed refuse it). On CPU it gains little (bench/results/cpu-2026-12-04/compile-train.log)."},"trustRemoteCode":{"type":"boolean","default":false,"description":"Allow the model repository's own Python code (only for models you trust)."},"kvCache":{"enum":["dynamic","static","paged"],"default":"dynamic","description":"KV cache for generation (PPO rollouts and evaluation). `dynamic`: transformers' default. `static`: preallocated; on CUDA, generate then compiles the decoding step (torch.compile, CUDA graphs): about 3x the rollout tokens/s after a compile of about 30 s on the first call (0.5B model, H200). No effect on CPU speed. `paged`: transformers' continuous batching, one session per rollout or evaluation: a paged cache, each round's chats scheduled as requests that join the decoding batch as others finish (no decoding past a short answer's end), requests sharing the cache blocks of the prompt tokens they have in common (a GRPO group's hand, a chat's earlier turns); greedy answers are generate's, sampled ones are drawn from the same distribution with their log-probs recorded. Text models only, not under deepspeed-zero3. Meant for flash-attention's paged kernels (attention flash_attention_2/3, CUDA): under SDPA or eager attention each forward attends over every request's cache through one dense mask, a cost that grows with the square of the batch (22x slower than dynamic at 128 chats on a 2-core CPU)."},"ligerKernel":{"type":"boolean","default":false,"description":"Liger's Triton kernels (the liger-kernel package) for training on CUDA GPUs: RMSNorm, RoPE and SwiGLU in every forward, and in SFT the fused linear cross-entropy, which computes the loss from the hidden states chunk by chunk and never holds the logits (the largest tensor at a 128k-152k vocabulary). Text models of the families liger-kernel patches (Llama, Qwen2/2.5, Mistral, Gemma, ...; the embedded models are Llama). Refused for image-text-to-text models (liger-kernel 0.8.5's patches do not fit transformers 5.24's vision classes), on CPU (cpuProcesses, or a job without a GPU) and under deepspeed-zero3."},"attention":{"enum":["auto","sdpa","varlen","eager","flash_attention_2","flash_attention_3","flex_attention"],"default":"auto","description":"transformers' attention implementation (attn_implementation) for training, rollouts and evaluation. `auto`: transformers' choice (SDPA where the model supports it). `varlen`: SDPA, except that rows laid end to end (sft.packing, sft.paddingFree, ppo.paddingFree) are attended one sequence at a time: on CUDA in bf16/fp16 by PyTorch's own variable-length flash kernel (torch.nn.attention.varlen, no flash-attn package), elsewhere by one causal SDPA call per sequence; no padding FLOPs, no mask; not with kvCache \"paged\". `flash_attention_2`/`3` need the flash-attn package and a CUDA GPU, and with them those rows run variable-length kernels too. `flex_attention` (PyTorch's FlexAttention, compiled) trains on CUDA only: it has no backward pass on CPU."},"generateBatch":{"type":"integer","minimum":1,"maximum":65536,"default":32,"description":"Most sequences in one batched generate call (PPO rollouts and evaluation): a memory knob; larger batches decode faster where memory allows (the KV cache grows with it). Greedy answers are the same at any size up to float rounding; sampled ones are drawn in another order."},"maxLength":{"type":"integer","minimum":16,"maximum":1048576,"description":"Longest SFT example (prompt + response) in tokens, 1024 when absent: longer text examples are cut (one cut before its first assistant token is refused), a longer vision example is refused. Rollouts and evaluation are bounded per response by maxNewTokens instead."},"lora":{"type":"object","description":"Train LoRA adapters (peft) instead of all weights.","additionalProperties":false,"required":["r"],"properties":{"r":{"type":"integer","minimum":1,"maximum":4096,"description":"LoRA rank."},"alpha":{"type":"number","exclusiveMinimum":0,"default":16,"description":"LoRA scaling alpha."},"dropout":{"type":"number","minimum":0,"maximum":1,"default":0.05,"description":"LoRA's dropout in SFT. PPO trains without dropout (this one and the model's own), as TRL's PPO does: its update's forwards compute the function the rollout sampled from and scoring scored (both in eval mode), so the first step's ratios are 1."},"targetModules":{"type":"array","items":{"type":"string","minLength":1},"minItems":1,"uniqueItems":true,"description":"Module names to adapt, e.g. [\"q_proj\", \"v_proj\"]; default: all linear layers."}}}}},"adam":{"type":"object","description":"SFT's optimizer: torch's AdamW, as the reference's SFT (DeepSpeed's AdamW from its config).","additionalProperties":false,"properties":{"betas":{"type":"array","prefixItems":[{"type":"number","minimum":0,"exclusiveMaximum":1},{"type":"number","minimum":0,"exclusiveMaximum":1}],"minItems":2,"maxItems":2,"description":"Adam (beta1, beta2); (0.9, 0.98) in the reference's SFT.","default":[0.9,0.98]},"eps":{"type":"number","exclusiveMinimum":0,"description":"Adam epsilon (1e-7 in the reference recipe).","default":1e-7},"weightDecay":{"type":"number","minimum":0,"default":0,"description":"Decoupled weight decay (AdamW): each step also shrinks every trained weight by learningRate x weightDecay x the weight, biases and norm weights included, as the reference's DeepSpeed-built AdamW over all the parameters does (HF's Trainer exempts them only where it makes the optimizer itself). 0 in the reference."},"implementation":{"enum":["fused","foreach","for-loop"],"default":"fused","description":"PyTorch's Adam kernel (the same update up to float rounding; a test compares SFT losses). `fused`: one kernel over every parameter (transformers' Trainer default since torch 2.8; no temporaries). `foreach`: torch's multi-tensor kernels (its default on CUDA). `for-loop`: a parameter at a time (its default on CPU). On the project's 2-core CPU the fused step is several times faster than the for-loop (README, Speed options)."}}},"ppoAdam":{"type":"object","description":"PPO's optimizer: torch's Adam, as the reference's PPO (torch.optim.Adam, rl/trainer/llama_trainer.py).","additionalProperties":false,"properties":{"betas":{"$ref":"#/$defs/adam/properties/betas","description":"Adam (beta1, beta2); the reference's PPO leaves torch's default (0.9, 0.999).","default":[0.9,0.999]},"eps":{"$ref":"#/$defs/adam/properties/eps"},"weightDecay":{"type":"number","minimum":0,"default":0,"description":"L2 weight decay, torch's Adam's weight_decay: weightDecay x the weight is added to the gradient before Adam's moments (not AdamW's decoupled shrink), as the reference's torch.optim.Adam. 0 in the reference."},"implementation":{"$ref":"#/$defs/adam/properties/implementation"}}},"checkpointRef":{"type":"string","minLength":1,"description":"A checkpoint folder (relative to the config), e.g. `runs/gp-l/sft-init/checkpoints/step-000100`."},"sft":{"type":"object","description":"Supervised fine-tuning on expert data from the training environment (loss on assistant tokens only, unless `assistantOnlyLoss` is false).","additionalProperties":false,"properties":{"init":{"$ref":"#/$defs/checkpointRef","description":"Start from this checkpoint instead of the base model (e.g. to scale SFT from Init). The data and its order still come from `seed` and `data`: with the Init run's seed, SFT trains on Init's examples again, its first epoch in Init's order (as the reference's HF Trainer does); set another `seed` for fresh data."},"data":{"type":"object","additionalProperties":false,"properties":{"source":{"enum":["environment","pretraining-corpus"],"default":"environment","description":"`environment`: expert examples of this experiment's environment. `pretraining-corpus`: the synthetic corpus embedded:gp-base is pretrained on (card values under stated face-card rules, exact arithmetic, make-a-target puzzles in plain words and in GeneralPoints' format with targets other than 24, revisions after the verifier's message, and, when `mix` asks for it, the 24 game under face rules other than the evaluation's; docs/base-model.md); `trajectories` does not apply."},"examples":{"type":"integer","minimum":1,"maximum":100000000,"default":10000,"description":"Expert examples (sampled states) to generate, or corpus examples."},"trajectories":{"enum":["optimal","suboptimal"],"default":"optimal","description":"`optimal`: one single-turn prompt -> expert response per state. `suboptimal` (GeneralPoints): multi-turn trajectories with wrong attempts and verifier messages (figure 15 ablation); the wrong attempts are context, the loss is on the expert's final answer only."},"wrongAttempts":{"type":"integer","minimum":0,"maximum":100,"default":2,"description":"Most wrong attempts before the correct one in a sub-optimal trajectory."},"mix":{"type":"object","additionalProperties":false,"minProperties":1,"properties":{"card-values":{"type":"integer","minimum":0,"maximum":1000},"arithmetic":{"type":"integer","minimum":0,"maximum":1000},"make-target":{"type":"integer","minimum":0,"maximum":1000},"card-puzzle":{"type":"integer","minimum":0,"maximum":1000},"revision":{"type":"integer","minimum":0,"maximum":1000},"twenty-four":{"type":"integer","minimum":0,"maximum":1000},"navigation":{"type":"integer","minimum":0,"maximum":1000},"navigation-revision":{"type":"integer","minimum":0,"maximum":1000},"route-reading":{"type":"integer","minimum":0,"maximum":1000},"repeat":{"type":"integer","minimum":0,"maximum":1000},"repeat-long":{"type":"integer","minimum":0,"maximum":1000}},"description":"`pretraining-corpus` only: each task's share of the corpus in thousandths, adding up to 1000 (default: card-values 150, arithmetic 200, make-target 150, card-puzzle 350, revision 150). `twenty-four` is the 24 game in GeneralPoints' format under face rules other than the evaluation's two (docs/base-model.md); `navigation` and `navigation-revision` are V-IRL-L's prompt on routes of cities other than the evaluation's, under several action-space conventions, and `route-reading` short questions on a route's text (the sentence after an observed landmark, a sentence quoted, a turn sentence's action, an observation quoted), `repeat`, text to repeat word for word (6-24 places, made-up names, directions, numbers), and `repeat-long`, the same with 40-90 items (a look-up 120-490 tokens back) (embedded:virl-base's corpus)."}}},"steps":{"type":"integer","minimum":1,"maximum":100000000,"description":"Optimizer steps (default: `epochs` passes over the examples)."},"epochs":{"type":"number","exclusiveMinimum":0,"default":1,"description":"Passes over the examples when `steps` is not given: the run ends once it has read epochs x the examples, however many a packed sequence holds (its last step takes what is left)."},"learningRate":{"type":"number","exclusiveMinimum":0,"maximum":1,"default":0.000001,"description":"Peak learning rate (1e-6 in the paper; 5e-7 for VL tasks)."},"schedule":{"enum":["cosine","linear","constant"],"default":"cosine","description":"Learning-rate schedule after warmup."},"warmupRatio":{"type":"number","minimum":0,"maximum":1,"default":0.03,"description":"Fraction of steps spent warming up: ceil(warmupRatio x steps) steps, as HF's Trainer counts them."},"warmupShape":{"enum":["linear","log"],"default":"linear","description":"How the rate rises from 0 during the W warmup steps. `linear` (HF's Trainer): step s runs at learningRate x s / W. `log` (DeepSpeed's WarmupLR and its default warmup_type): learningRate x ln(s) / ln(W), 0 at steps 0 and 1, W at least 2. The reference's SFT ran `log` then `constant`: its launch script asks HF for a cosine, but its DeepSpeed config (sft_scripts/zero3_offload.json) names the WarmupLR scheduler, which HF's Trainer then leaves to DeepSpeed; the paper presets set both."},"adam":{"$ref":"#/$defs/adam"},"globalBatchSize":{"type":"integer","minimum":1,"maximum":1048576,"default":128,"description":"Sequences per optimizer step over all processes (reached by gradient accumulation)."},"microBatchSize":{"type":"integer","minimum":1,"maximum":65536,"default":8,"description":"Sequences per forward pass per process."},"packing":{"type":"boolean","default":false,"description":"Pack several examples into each sequence (attention kept within each example), up to model.maxLength tokens: a step then reads several times more examples, and an epoch takes as many fewer steps. Refused at the start for a model whose decoder would let the packed examples read one another under its attention (checked on the CPU on a small random copy of it: under flash_attention_2/3 as under varlen, which reads the same segments (its copy without a sliding window or softcap, which flash attention runs within a segment and varlen does not); under flex_attention as under SDPA, whose mask it is given. OPT's, BioGPT's and Qwen2-VL's text model do under SDPA, eager or flex_attention, and model.attention varlen keeps them apart; XGLM's and Bloom's do under every attention they load with, and the refusal then says to turn this off)."},"paddingFree":{"type":"boolean","default":false,"description":"Each forward pass reads its micro-batch's sequences end to end as one row, without padding, positions restarting at each example (TRL's padding_free): the same loss and gradient as padded rows. It pays with model.attention varlen or flash_attention_2/3 (variable-length kernels) or flex_attention; under SDPA or eager attention the row's mask is dense over the whole micro-batch, slower than padding. Text models only; refused at the start for a model whose decoder would let the row's sequences read one another (as sft.packing)."},"assistantOnlyLoss":{"type":"boolean","default":true,"description":"true (SFT): the loss is on the assistant messages' tokens only (TRL's assistant_only_loss). false: on every token of each chat, the prompts' too, as pretraining learns a document, except the assistant messages marked `\"train\": false` (context such as a wrong answer, never learned); the recipe of embedded:virl-base uses it (docs/base-model.md). Text models only."},"maxGradNorm":{"type":"number","exclusiveMinimum":0,"default":1,"description":"Gradient clipping norm."},"saveEverySteps":{"type":"integer","minimum":1,"description":"Checkpoint every N optimizer steps (and always at the end)."}}},"ppo":{"type":"object","description":"Multi-turn PPO with verifier rewards and sequential revision (defaults: the paper's).","additionalProperties":false,"properties":{"init":{"$ref":"#/$defs/checkpointRef","description":"The Init checkpoint (an SFT checkpoint; RL from a model that cannot follow the format fails)."},"updates":{"type":"integer","minimum":1,"maximum":100000000,"default":15,"description":"PPO updates (each: collect a rollout buffer, then optimize). The reference runs 20 for GeneralPoints and 15 for V-IRL (its launch scripts' num_updates)."},"stepsPerUpdate":{"type":"integer","minimum":1,"maximum":100000000,"default":256,"description":"Environment steps (verification attempts) collected per process per update (the reference: 256 on each of 8 processes, its launch scripts' num_steps). Episodes unfinished at the end of an update continue in the next, as in the reference."},"parallelEnvs":{"type":"integer","minimum":1,"maximum":65536,"default":16,"description":"Episodes that advance together: each round generates one answer for each, in generate calls of at most model.generateBatch."},"epochs":{"type":"integer","minimum":1,"maximum":1000,"default":4,"description":"Optimization passes over each rollout buffer."},"miniBatchSize":{"type":"integer","minimum":1,"maximum":65536,"default":128,"description":"Transitions per optimizer step, per process: each epoch takes the rollout in random mini-batches of this many, one Adam step each, averaging their gradient (over every process under DDP). The reference: 128 (grad_accum_steps 128 of a mini-batch of one), so 2 steps per epoch of 256 transitions, 8 per update, each over 1,024 transitions on 8 processes. Must not exceed stepsPerUpdate."},"microBatchSize":{"type":"integer","minimum":1,"maximum":65536,"default":8,"description":"Most transitions per forward/backward pass (a memory knob, not a hyperparameter): a mini-batch's gradient is accumulated over passes of this many, each weighted by its share, so the step is the same as one pass over the whole mini-batch (the reference passes one transition at a time)."},"gamma":{"type":"number","minimum":0,"maximum":1,"default":0.9,"description":"Discount."},"lambda":{"type":"number","minimum":0,"maximum":1,"default":0.95,"description":"GAE lambda."},"clip":{"type":"number","exclusiveMinimum":0,"maximum":10,"default":0.1,"description":"Policy ratio clip."},"ratioGuard":{"type":"number","exclusiveMinimum":1,"default":10,"description":"A transition whose probability ratio (new / rollout policy) exceeds this keeps only the clipped term of the surrogate, so it gives no gradient (the reference's rule, decided per mini-batch of one transition; counted as ppo/ratio_guarded). A very large value turns it off."},"valueClip":{"type":"number","exclusiveMinimum":0,"default":0.1,"description":"Value prediction clip (clipped value loss)."},"valueCoef":{"type":"number","minimum":0,"default":0.5,"description":"Value loss coefficient."},"entropyCoef":{"type":"number","minimum":0,"default":0,"description":"Entropy bonus coefficient (0 in the paper)."},"klCoef":{"type":"number","minimum":0,"default":0,"description":"KL penalty to the Init policy (0: off): klCoef x mean (log pi - log pi_Init)^2 / 2 over the rollout's responses, whose gradient is that of KL(pi || Init)."},"maxGradNorm":{"type":"number","exclusiveMinimum":0,"default":0.01,"description":"Gradient clipping norm."},"learningRate":{"type":"number","exclusiveMinimum":0,"maximum":1,"default":0.000001,"description":"Initial learning rate (the reference: 1e-6, 1e-7 for V-IRL-VL)."},"finalLearningRate":{"type":"number","minimum":0,"maximum":1,"default":1e-9,"description":"The cosine schedule's floor, reached after lrCosineUpdates updates (torch's CosineAnnealingLR eta_min; the reference's end_lr 1e-9)."},"lrCosineUpdates":{"type":"number","exclusiveMinimum":0,"maximum":100000000,"description":"Updates (a whole number or not) over which the learning rate follows the cosine from learningRate down to finalLearningRate: torch's CosineAnnealingLR with T_max = this, stepped once per update, in closed form, so past it the rate rises back to learningRate over as many updates (torch's cosine is periodic). Default: updates, so it reaches finalLearningRate at the end. The reference sets T_max = lr_max_steps (100 for GeneralPoints, 20 for V-IRL), but accelerate steps its scheduler once per process at each update (8 processes), so its cosine spans lr_max_steps / 8 updates: 12.5 of GeneralPoints' 20 (down to 1e-9 by update 12.5, then up again), 2.5 of V-IRL's 15 (three cycles); the paper presets set those."},"adam":{"$ref":"#/$defs/ppoAdam"},"temperature":{"type":"number","exclusiveMinimum":0,"maximum":10,"default":0.2,"description":"Sampling temperature (log-probs use the same scaled logits)."},"maxNewTokens":{"type":"integer","minimum":1,"maximum":65536,"default":512,"description":"Most tokens per response."},"thoughtWeight":{"type":"number","minimum":0,"maximum":1,"default":0.5,"description":"Log-prob weight of tokens before the answer key (`\"formula\":` or `\"action\":`), located by character offsets."},"ratio":{"enum":["sequence","token"],"default":"sequence","description":"`sequence` (the reference): one probability ratio per response, from the sum of its tokens' weighted log-probs, clipped as a whole. `token` (PPO as LLM trainers such as TRL and OpenRLHF run it): a ratio per token, each clipped, the surrogate averaged over the response's tokens with the thought weights. A whole response's ratio leaves the clip range after small per-token changes (0.01 nats over 50 tokens is a ratio of 1.65), so clipping stops most of a small model's learning; per-token clipping bounds each token's change instead."},"oldLogProbs":{"enum":["recompute","sampling"],"default":"recompute","description":"Where the ratio's old log-probs come from. `recompute` (the reference, verl, OpenRLHF): a forward pass of the rollout policy over the rollout before the update. `sampling`: the log-probs the rollout sampled each token with, recorded during generation, which saves that pass (with `advantage: group` and no `klCoef` there is then none: the KL reference's pass runs in the same scoring stage); they equal the recomputed ones up to float rounding when generation and training run the same model in the same precision (fp32 on CPU: about 1e-6, the update's first-step gap metric shows it); in bf16 or with a separate inference engine they differ, which is why the GPU trainers recompute."},"paddingFree":{"type":"boolean","default":false,"description":"Each scoring and training forward reads its micro-batch's sequences end to end in one row, without padding, positions restarting at each sequence, and computes logits at the responses' positions only: the same log-probs, values and gradients as padded rows. It pays with model.attention varlen, flash_attention_2/3 or flex_attention; under SDPA or eager attention the row's mask is dense over the whole micro-batch, slower than padding. Text models only; refused at the start for a model whose decoder would let the row's sequences read one another (as sft.packing)."},"sharedPrefixes":{"type":"boolean","default":false,"description":"Each scoring and training forward reads once the opening that consecutive rows of its micro-batch share (with advantage \"group\", a group's first prompt: the update then keeps each group's episodes together in its mini-batches and micro-batches): one pass over the openings, whose keys and values each row attends to through its mask, then the rows' own tokens. The same log-probs, values and gradients as padded rows, with fewer tokens read (on the demo's GP-L recipe, 2 cores: see README). Text models; local and DDP launches; not with model.gradientCheckpointing or ppo.paddingFree."},"headChunk":{"type":"integer","minimum":0,"maximum":1048576,"default":0,"description":"Response tokens per chunk of the LM head in PPO's scoring and training passes (0: off). Each chunk's logits are made, scored and freed, and backward makes them again, so no (tokens x vocabulary) tensor is kept: at Llama 3.2's 128,256-token vocabulary the one a micro-batch of 8 chats with 2,560 response tokens keeps is 10 GiB. Costs one more LM-head product per chunk in backward. The same log-probs, entropies, values and gradients (tests compare them on each model family's replica, with LoRA, and in DDP, DeepSpeed ZeRO-2 and ZeRO-3 runs; under ZeRO-3 every process makes as many head calls, each a collective gather). Model types llama, qwen2, mllama, qwen2_vl and llava (what the tests run); not under fsdp (not checked)."},"advantage":{"enum":["gae","group"],"default":"gae","description":"`gae` (the paper: value head and GAE) or `group` (GRPO-style: `groupSize` episodes share a seed, and every step of an episode gets its return minus the group's mean return; no value head)."},"groupSize":{"type":"integer","minimum":2,"maximum":65536,"default":4,"description":"With `advantage: group`: episodes per group (same seed, sampled independently); `parallelEnvs` must be a multiple of it."},"groupStd":{"type":"boolean","default":true,"description":"With `advantage: group`: divide by the group's return standard deviation (GRPO); false keeps the plain mean baseline."},"groupCredit":{"enum":["episode","turn"],"default":"episode","description":"With `advantage: group`: `episode` (GRPO): every step of an episode gets the episode's return minus the group's mean return. `turn`: each step (verification attempt) gets its return-to-go, its reward and the later ones, minus the mean return-to-go of the group's episodes at the same turn, so a revision after the verifier's message is judged against the other revisions of the same hand at that turn rather than against first attempts that ended their episodes."},"reward":{"enum":["verifier","outcome"],"default":"verifier","description":"What PPO trains on. `verifier` (the paper's): the verifier's reward of each attempt (+5 solved, -1 wrong value, -2 per wrong number, -3 illegal, ...). `outcome`: 1 for an attempt the verifier accepts (a solved hand, a right V-IRL action), 0 otherwise, so that success alone drives learning rather than the size of the penalties. Episodes, messages and the recorded rewards stay the verifier's."},"rewardScale":{"type":"number","exclusiveMinimum":0,"default":1,"description":"Multiply the rewards PPO trains on by this."},"valueHead":{"type":"object","additionalProperties":false,"properties":{"hidden":{"type":"array","items":{"type":"integer","minimum":1,"maximum":65536},"minItems":1,"default":[1024,512],"description":"Hidden sizes of the value MLP (ReLU) on the last prompt token's final hidden state."}}},"saveEverySteps":{"type":"integer","minimum":1,"description":"Checkpoint every N updates (and always at the end)."}}},"evaluation":{"type":"object","description":"Which splits to evaluate, on what schedule.","required":["splits"],"additionalProperties":false,"properties":{"splits":{"type":"array","items":{"$ref":"#/$defs/split"},"minItems":1,"description":"Evaluation splits: one `id` split (the training variant) and the OOD variants."},"everySteps":{"type":"integer","minimum":1,"description":"Evaluate every N training steps (SFT optimizer steps or PPO updates)."},"atCheckpoints":{"type":"boolean","default":true,"description":"Evaluate step 0 (Init, where every curve starts), every checkpoint saved every sft.saveEverySteps / ppo.saveEverySteps and the final one, each once (a checkpoint written on cancel is not on the schedule)."},"atStart":{"type":"boolean","default":true,"description":"Evaluate step 0 (Init) when the schedule includes it. false: another run from the same Init evaluates it on the same splits and seeds (a study's SFT arm, say), so Init is evaluated once; the paper view and `ptlab report` start this run's curves at that run's Init point."},"seed":{"type":"integer","minimum":0,"maximum":4294967295,"default":1234,"description":"Episode seed base: episode i of a split uses seed + i, so every checkpoint sees the same episodes."},"temperature":{"type":"number","minimum":0,"maximum":10,"default":0,"description":"Sampling temperature at evaluation (0: greedy). Ignored with `sampling: model-defaults`."},"topP":{"type":"number","exclusiveMinimum":0,"maximum":1,"default":1,"description":"Nucleus sampling at evaluation when temperature > 0 (1: off; no top-k cut either). Ignored with `sampling: model-defaults`."},"sampling":{"enum":["configured","model-defaults"],"default":"configured","description":"`configured`: temperature and topP above, and nothing else (the checkpoint's top_k, repetition penalty and other processors are set aside). `model-defaults`: decode as the checkpoint's generation_config.json says (do_sample, temperature, top_p, top_k), what it leaves unset at transformers' defaults as generate fills them (top_k 50 where it sets none), as the reference's evaluation does: it passes only max_new_tokens (256) to generate, so Llama-3.2-Vision samples with its shipped defaults (temperature 0.6, top_p 0.9) and generate's top_k 50. Either way a sampled token draws from its answer's own key (evaluation seed, split, episode, attempt), not from a process's random stream: the answers do not depend on model.generateBatch or on the number of processes (except under model.kvCache `paged`, whose continuous batching samples itself). The eval-summary and run manifest state what was used."},"maxNewTokens":{"type":"integer","minimum":1,"maximum":65536,"default":512,"description":"Most tokens per response."}}},"launcher":{"type":"object","description":"Where jobs run: this machine (one process), several GPUs (or CPU processes) through accelerate, or a Slurm cluster.","additionalProperties":false,"properties":{"kind":{"enum":["local","accelerate","slurm"],"default":"local","description":"`local`: one process. `accelerate`: `accelerate launch` over several GPUs, or `cpuProcesses` CPU processes. `slurm`: an sbatch script generated from this config."},"gpus":{"description":"GPU indices to use (CUDA_VISIBLE_DEVICES), or a count.","oneOf":[{"type":"array","items":{"type":"integer","minimum":0},"uniqueItems":true},{"type":"integer","minimum":0}]},"distributed":{"enum":["ddp","fsdp","deepspeed-zero2","deepspeed-zero3"],"default":"ddp","description":"Sharding strategy for multi-GPU training (through accelerate)."},"cpuProcesses":{"type":"integer","minimum":2,"description":"With kind `accelerate`: run the job as this many processes on the CPUs instead of GPUs (DDP over gloo), each with an equal share of the cores as its threads. On a few cores, small models train and decode faster as single-threaded processes than as one process's threads. Not with `gpus`; DDP only."},"mixedPrecision":{"enum":["no","bf16","fp16"],"default":"bf16","description":"accelerate's mixed precision (autocast of training's forwards, the rollout's decoding, the KL reference and evaluation; fp16's loss scaling) under `accelerate` and `slurm` launches. A `local` job computes in model.dtype: set that to bf16 for a one-GPU run in bf16."},"slurm":{"type":"object","additionalProperties":false,"properties":{"partition":{"type":"string","minLength":1,"pattern":"^[^\\u0000-\\u001f\\u007f]+$","description":"Written into a `#SBATCH` line: one line, no control characters."},"account":{"type":"string","minLength":1,"pattern":"^[^\\u0000-\\u001f\\u007f]+$","description":"Written into a `#SBATCH` line: one line, no control characters."},"qos":{"type":"string","minLength":1,"pattern":"^[^\\u0000-\\u001f\\u007f]+$","description":"Written into a `#SBATCH` line: one line, no control characters."},"nodes":{"type":"integer","minimum":1,"default":1},"gpusPerNode":{"type":"integer","minimum":1,"default":8},"cpusPerTask":{"type":"integer","minimum":1},"time":{"type":"string","pattern":"^(\\d+-)?\\d{1,2}:\\d{2}(:\\d{2})?$","description":"Wall-time limit, e.g. `2-00:00:00` or `12:00:00`."},"extraDirectives":{"type":"array","items":{"type":"string","pattern":"^--[a-z-]+(=[^\\u0000-\\u001f\\u007f]*)?$"},"description":"More `#SBATCH` options, each like `--mem=200G` (one line each, no control characters)."}}}}}}};
const schema62 = {"type":"object","description":"The base model: the embedded tiny default, or any Hugging Face causal LM or image-text-to-text model by name or local path.","required":["name"],"additionalProperties":false,"properties":{"name":{"type":"string","minLength":1,"description":"`embedded:tiny-lm` or `embedded:tiny-vlm` (random weights, built locally, no download), `embedded:gp-base` or `embedded:virl-base` (pretrained by the project for GeneralPoints and V-IRL, shipped with it; docs/base-model.md) or `embedded:gp-base-init` (their random weights, what `ptlab pretrain` starts from), a Hugging Face model id, or a local path (relative to the config: a folder there is preferred to a hub id of the same name).","examples":["embedded:tiny-lm","embedded:tiny-vlm","embedded:gp-base","embedded:virl-base","Qwen/Qwen2.5-0.5B-Instruct","meta-llama/Llama-3.2-11B-Vision-Instruct"]},"kind":{"enum":["causal-lm","image-text-to-text"],"default":"causal-lm","description":"`causal-lm` for language tasks, `image-text-to-text` for vision-language tasks."},"revision":{"type":"string","minLength":1,"description":"Hugging Face revision (branch, tag or commit)."},"dtype":{"enum":["auto","bf16","fp16","fp32"],"default":"auto","description":"Weights dtype: `auto` picks bf16 on GPUs that support it and fp32 on CPU. Trained bf16/fp16 weights are stepped through fp32 copies (Adam's moments in fp32 too: 12 bytes a trained parameter), as DeepSpeed's engine keeps them: an Adam step (about the learning rate) is under half of bf16's spacing for most weights, and would round away. FSDP refuses any dtype but fp32, LoRA runs too (it cannot flatten bf16 base weights with fp32 adapters): set fp32 there (it computes in launcher.mixedPrecision)."},"gradientCheckpointing":{"oneOf":[{"type":"boolean"},{"type":"object","additionalProperties":false,"required":["everyNLayers"],"properties":{"everyNLayers":{"type":"integer","minimum":1,"maximum":1024,"description":"Checkpoint one decoder layer in this many (transformers' every_n_layers); the others keep their activations. 1 is `true`."}}}],"default":false,"description":"Trade compute for memory during training: each checkpointed decoder layer keeps only its input and runs its forward again in backward. `true` checkpoints every layer; `{\"everyNLayers\": 2}` every other one, keeping about half the activations for half the recompute (`ptlab plan` shows each setting's memory)."},"compile":{"type":"boolean","default":false,"description":"torch.compile the training passes (SFT's loss forward, PPO's training forward) with dynamic shapes; rollouts, evaluation and checkpoints use the model as it is. The first passes pay the compile. Local and DDP launches (FSDP and DeepSpeed refuse it). On CPU it gains little (bench/results/cpu-2026-12-04/compile-train.log)."},"trustRemoteCode":{"type":"boolean","default":false,"description":"Allow the model repository's own Python code (only for models you trust)."},"kvCache":{"enum":["dynamic","static","paged"],"default":"dynamic","description":"KV cache for generation (PPO rollouts and evaluation). `dynamic`: transformers' default. `static`: preallocated; on CUDA, generate then compiles the decoding step (torch.compile, CUDA graphs): about 3x the rollout tokens/s after a compile of about 30 s on the first call (0.5B model, H200). No effect on CPU speed. `paged`: transformers' continuous batching, one session per rollout or evaluation: a paged cache, each round's chats scheduled as requests that join the decoding batch as others finish (no decoding past a short answer's end), requests sharing the cache blocks of the prompt tokens they have in common (a GRPO group's hand, a chat's earlier turns); greedy answers are generate's, sampled ones are drawn from the same distribution with their log-probs recorded. Text models only, not under deepspeed-zero3. Meant for flash-attention's paged kernels (attention flash_attention_2/3, CUDA): under SDPA or eager attention each forward attends over every request's cache through one dense mask, a cost that grows with the square of the batch (22x slower than dynamic at 128 chats on a 2-core CPU)."},"ligerKernel":{"type":"boolean","default":false,"description":"Liger's Triton kernels (the liger-kernel package) for training on CUDA GPUs: RMSNorm, RoPE and SwiGLU in every forward, and in SFT the fused linear cross-entropy, which computes the loss from the hidden states chunk by chunk and never holds the logits (the largest tensor at a 128k-152k vocabulary). Text models of the families liger-kernel patches (Llama, Qwen2/2.5, Mistral, Gemma, ...; the embedded models are Llama). Refused for image-text-to-text models (liger-kernel 0.8.5's patches do not fit transformers 5.24's vision classes), on CPU (cpuProcesses, or a job without a GPU) and under deepspeed-zero3."},"attention":{"enum":["auto","sdpa","varlen","eager","flash_attention_2","flash_attention_3","flex_attention"],"default":"auto","description":"transformers' attention implementation (attn_implementation) for training, rollouts and evaluation. `auto`: transformers' choice (SDPA where the model supports it). `varlen`: SDPA, except that rows laid end to end (sft.packing, sft.paddingFree, ppo.paddingFree) are attended one sequence at a time: on CUDA in bf16/fp16 by PyTorch's own variable-length flash kernel (torch.nn.attention.varlen, no flash-attn package), elsewhere by one causal SDPA call per sequence; no padding FLOPs, no mask; not with kvCache \"paged\". `flash_attention_2`/`3` need the flash-attn package and a CUDA GPU, and with them those rows run variable-length kernels too. `flex_attention` (PyTorch's FlexAttention, compiled) trains on CUDA only: it has no backward pass on CPU."},"generateBatch":{"type":"integer","minimum":1,"maximum":65536,"default":32,"description":"Most sequences in one batched generate call (PPO rollouts and evaluation): a memory knob; larger batches decode faster where memory allows (the KV cache grows with it). Greedy answers are the same at any size up to float rounding; sampled ones are drawn in another order."},"maxLength":{"type":"integer","minimum":16,"maximum":1048576,"description":"Longest SFT example (prompt + response) in tokens, 1024 when absent: longer text examples are cut (one cut before its first assistant token is refused), a longer vision example is refused. Rollouts and evaluation are bounded per response by maxNewTokens instead."},"lora":{"type":"object","description":"Train LoRA adapters (peft) instead of all weights.","additionalProperties":false,"required":["r"],"properties":{"r":{"type":"integer","minimum":1,"maximum":4096,"description":"LoRA rank."},"alpha":{"type":"number","exclusiveMinimum":0,"default":16,"description":"LoRA scaling alpha."},"dropout":{"type":"number","minimum":0,"maximum":1,"default":0.05,"description":"LoRA's dropout in SFT. PPO trains without dropout (this one and the model's own), as TRL's PPO does: its update's forwards compute the function the rollout sampled from and scoring scored (both in eval mode), so the first step's ratios are 1."},"targetModules":{"type":"array","items":{"type":"string","minLength":1},"minItems":1,"uniqueItems":true,"description":"Module names to adapt, e.g. [\"q_proj\", \"v_proj\"]; default: all linear layers."}}}}};
const schema87 = {"type":"object","description":"Where the trainer's metric records go besides metrics.jsonl.","additionalProperties":false,"properties":{"reportTo":{"type":"array","items":{"enum":["tensorboard","wandb"]},"uniqueItems":true,"default":[],"description":"Experiment trackers that also receive every metric record, under the same names (none by default). `tensorboard`: event files in RUN/tensorboard (needs the `tensorboard` package: pip install -e 'trainer[tensorboard]'); training metrics keep their names, evaluations are `eval/{split}/success` and the like, with `compute/gflops`. `wandb`: a W&B run in RUN/wandb under the same names, offline unless WANDB_MODE says otherwise (`wandb sync` uploads it; needs pip install -e 'trainer[wandb]'), one W&B run per process lifetime grouped by the run id."},"tokenRecordRate":{"type":"number","minimum":0,"maximum":1,"default":0.1,"description":"The share of PPO rollout episodes whose turns get per-token records in RUN/tokens.jsonl (token-record.schema.json): each generated token's sampling and training log-probs, entropy, weight and ratio at the update, with the turn's advantage, value and return; the transcript viewer shows them as heatmaps. Episodes are drawn by a hash of the run's seed and the episode's number (no random stream is touched). Costs a no-grad forward pass over the sampled turns per update; 0 turns it off."}}};
const schema88 = {"type":"object","description":"Rules the extension checks on this experiment's runs while they run (from run.json's copy of this config): each sends a VS Code notification once per run with a link to the point in the dashboard, and the assistant's ptlab_runAlerts tool lists them. Every rule is on by default; `enabled: false` turns one off.","additionalProperties":false,"properties":{"rewardCollapse":{"type":"object","additionalProperties":false,"description":"The mean of rollout/reward_mean over the last `window` updates falls `drop` or more (reward units) below its best `window`-update mean so far.","properties":{"enabled":{"type":"boolean","default":true},"window":{"type":"integer","minimum":1,"default":5},"drop":{"type":"number","exclusiveMinimum":0,"default":2}}},"entropyCollapse":{"type":"object","additionalProperties":false,"description":"ppo/entropy stays below `fraction` of its first update's value for `window` updates in a row.","properties":{"enabled":{"type":"boolean","default":true},"window":{"type":"integer","minimum":1,"default":3},"fraction":{"type":"number","exclusiveMinimum":0,"maximum":1,"default":0.1}}},"klSpike":{"type":"object","additionalProperties":false,"description":"ppo/approx_kl (how far an update moved the policy from the rollout's, per transition) exceeds `max`.","properties":{"enabled":{"type":"boolean","default":true},"max":{"type":"number","exclusiveMinimum":0,"default":0.1}}},"nonFinite":{"type":"object","additionalProperties":false,"description":"A loss or gradient is not finite: the run failed on it, PPO skipped transitions with non-finite log-probs (ppo/nonfinite_skipped), or an SFT step's gradient norm was not finite.","properties":{"enabled":{"type":"boolean","default":true}}},"stalledHeartbeat":{"type":"object","additionalProperties":false,"description":"A running run's heartbeat (run.json's heartbeatAt, every 10 s) is older than the ptlab.staleAfterSeconds setting.","properties":{"enabled":{"type":"boolean","default":true}}},"stalledProgress":{"type":"object","additionalProperties":false,"description":"A running run's heartbeat goes on but its job has not moved (run.json's activeAt: a generate call returned, a scoring or training micro-batch ran, a record was written) for `minutes` minutes: its processes wait on each other in a collective (a hang, which the job's collective timeout ends only after 2 hours), or one call takes that long.","properties":{"enabled":{"type":"boolean","default":true},"minutes":{"type":"number","exclusiveMinimum":0,"default":15}}}}};
const schema89 = {"type":"object","description":"Where jobs run: this machine (one process), several GPUs (or CPU processes) through accelerate, or a Slurm cluster.","additionalProperties":false,"properties":{"kind":{"enum":["local","accelerate","slurm"],"default":"local","description":"`local`: one process. `accelerate`: `accelerate launch` over several GPUs, or `cpuProcesses` CPU processes. `slurm`: an sbatch script generated from this config."},"gpus":{"description":"GPU indices to use (CUDA_VISIBLE_DEVICES), or a count.","oneOf":[{"type":"array","items":{"type":"integer","minimum":0},"uniqueItems":true},{"type":"integer","minimum":0}]},"distributed":{"enum":["ddp","fsdp","deepspeed-zero2","deepspeed-zero3"],"default":"ddp","description":"Sharding strategy for multi-GPU training (through accelerate)."},"cpuProcesses":{"type":"integer","minimum":2,"description":"With kind `accelerate`: run the job as this many processes on the CPUs instead of GPUs (DDP over gloo), each with an equal share of the cores as its threads. On a few cores, small models train and decode faster as single-threaded processes than as one process's threads. Not with `gpus`; DDP only."},"mixedPrecision":{"enum":["no","bf16","fp16"],"default":"bf16","description":"accelerate's mixed precision (autocast of training's forwards, the rollout's decoding, the KL reference and evaluation; fp16's loss scaling) under `accelerate` and `slurm` launches. A `local` job computes in model.dtype: set that to bf16 for a one-GPU run in bf16."},"slurm":{"type":"object","additionalProperties":false,"properties":{"partition":{"type":"string","minLength":1,"pattern":"^[^\\u0000-\\u001f\\u007f]+$","description":"Written into a `#SBATCH` line: one line, no control characters."},"account":{"type":"string","minLength":1,"pattern":"^[^\\u0000-\\u001f\\u007f]+$","description":"Written into a `#SBATCH` line: one line, no control characters."},"qos":{"type":"string","minLength":1,"pattern":"^[^\\u0000-\\u001f\\u007f]+$","description":"Written into a `#SBATCH` line: one line, no control characters."},"nodes":{"type":"integer","minimum":1,"default":1},"gpusPerNode":{"type":"integer","minimum":1,"default":8},"cpusPerTask":{"type":"integer","minimum":1},"time":{"type":"string","pattern":"^(\\d+-)?\\d{1,2}:\\d{2}(:\\d{2})?$","description":"Wall-time limit, e.g. `2-00:00:00` or `12:00:00`."},"extraDirectives":{"type":"array","items":{"type":"string","pattern":"^--[a-z-]+(=[^\\u0000-\\u001f\\u007f]*)?$"},"description":"More `#SBATCH` options, each like `--mem=200G` (one line each, no control characters)."}}}}};
const func0 = runtime0.default;
const pattern5 = new RegExp("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", "u");
const pattern7 = new RegExp("^[^\\u0000-\\u001f\\u007f]+$", "u");
const pattern10 = new RegExp("^(\\d+-)?\\d{1,2}:\\d{2}(:\\d{2})?$", "u");
const pattern11 = new RegExp("^--[a-z-]+(=[^\\u0000-\\u001f\\u007f]*)?$", "u");
const schema54 = {"description":"An environment variant: GeneralPoints or V-IRL with every key of shared/spec/environments.md.","type":"object","required":["env"],"discriminator":{"propertyName":"env"},"oneOf":[{"$ref":"#/$defs/generalPoints"},{"$ref":"#/$defs/virl"}]};
const schema55 = {"type":"object","title":"GeneralPoints","required":["env"],"additionalProperties":false,"properties":{"env":{"const":"generalpoints","description":"Which environment: `generalpoints`: the 24-points card game (GP-L, GP-VL)."},"target":{"type":"integer","minimum":1,"maximum":1000000,"default":24,"description":"The number the formula must reach (24 in the paper). At most what four cards make (10000 under faceCards all-10, 28561 under 11-12-13); a target that none of 1000 hands dealt for an episode reaches is refused then."},"faceCards":{"enum":["all-10","11-12-13"],"default":"all-10","description":"Face-card rule: `all-10` (J, Q, K count as 10; the training rule) or `11-12-13` (J=11, Q=12, K=13; the rule-OOD variant)."},"sampling":{"enum":["any","at-least-one-face"],"default":"any","description":"`any` hand, or `at-least-one-face` (three ranks uniform 1..13 plus one uniform 11..13, shuffled; used for rule-OOD evaluation)."},"draw":{"enum":["deck","independent"],"default":"independent","description":"`deck`: 4 cards without replacement from 52. `independent`: each rank uniform 1..13 and suit uniform, duplicates allowed (the reference code's behaviour)."},"suits":{"enum":["all","black","red"],"default":"all","description":"Suits drawn: `all`, `black` (spades, clubs; GP-VL training) or `red` (hearts, diamonds; GP-VL visual OOD)."},"modality":{"$ref":"#/$defs/modality"},"maxVerify":{"type":"integer","minimum":1,"maximum":100,"default":5,"description":"Scored attempts per episode (sequential revision). 5 in the paper; 1 for recognition evaluations."},"verifier":{"$ref":"#/$defs/verifier"}}};
const schema56 = {"enum":["language","vision"],"description":"`language`: observations as text (GP-L, V-IRL-L). `vision`: observations as an image (GP-VL cards, V-IRL-VL 2x2 street-view grid).","default":"language"};
const schema57 = {"enum":["reference","strict"],"description":"`reference` reproduces the authors' code quirk for quirk (comparable with the paper); `strict` is exact and tolerant (the project's definition).","default":"strict"};

function validate31(data, {instancePath="", parentData, parentDataProperty, rootData=data, dynamicAnchors={}}={}){
let vErrors = null;
let errors = 0;
const evaluated0 = validate31.evaluated;
if(evaluated0.dynamicProps){
evaluated0.props = undefined;
}
if(evaluated0.dynamicItems){
evaluated0.items = undefined;
}
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.env === undefined){
const err0 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "env"},message:"must have required property '"+"env"+"'"};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
for(const key0 in data){
if(!(func1.call(schema55.properties, key0))){
const err1 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
}
if(data.env !== undefined){
if("generalpoints" !== data.env){
const err2 = {instancePath:instancePath+"/env",schemaPath:"#/properties/env/const",keyword:"const",params:{allowedValue: "generalpoints"},message:"must be equal to constant"};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
}
if(data.target !== undefined){
let data1 = data.target;
if(!(((typeof data1 == "number") && (!(data1 % 1) && !isNaN(data1))) && (isFinite(data1)))){
const err3 = {instancePath:instancePath+"/target",schemaPath:"#/properties/target/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
if((typeof data1 == "number") && (isFinite(data1))){
if(data1 > 1000000 || isNaN(data1)){
const err4 = {instancePath:instancePath+"/target",schemaPath:"#/properties/target/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1000000},message:"must be <= 1000000"};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
if(data1 < 1 || isNaN(data1)){
const err5 = {instancePath:instancePath+"/target",schemaPath:"#/properties/target/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
}
}
if(data.faceCards !== undefined){
let data2 = data.faceCards;
if(!((data2 === "all-10") || (data2 === "11-12-13"))){
const err6 = {instancePath:instancePath+"/faceCards",schemaPath:"#/properties/faceCards/enum",keyword:"enum",params:{allowedValues: schema55.properties.faceCards.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
}
if(data.sampling !== undefined){
let data3 = data.sampling;
if(!((data3 === "any") || (data3 === "at-least-one-face"))){
const err7 = {instancePath:instancePath+"/sampling",schemaPath:"#/properties/sampling/enum",keyword:"enum",params:{allowedValues: schema55.properties.sampling.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
}
if(data.draw !== undefined){
let data4 = data.draw;
if(!((data4 === "deck") || (data4 === "independent"))){
const err8 = {instancePath:instancePath+"/draw",schemaPath:"#/properties/draw/enum",keyword:"enum",params:{allowedValues: schema55.properties.draw.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
}
if(data.suits !== undefined){
let data5 = data.suits;
if(!(((data5 === "all") || (data5 === "black")) || (data5 === "red"))){
const err9 = {instancePath:instancePath+"/suits",schemaPath:"#/properties/suits/enum",keyword:"enum",params:{allowedValues: schema55.properties.suits.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
}
if(data.modality !== undefined){
let data6 = data.modality;
if(!((data6 === "language") || (data6 === "vision"))){
const err10 = {instancePath:instancePath+"/modality",schemaPath:"#/$defs/modality/enum",keyword:"enum",params:{allowedValues: schema56.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
}
if(data.maxVerify !== undefined){
let data7 = data.maxVerify;
if(!(((typeof data7 == "number") && (!(data7 % 1) && !isNaN(data7))) && (isFinite(data7)))){
const err11 = {instancePath:instancePath+"/maxVerify",schemaPath:"#/properties/maxVerify/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
if((typeof data7 == "number") && (isFinite(data7))){
if(data7 > 100 || isNaN(data7)){
const err12 = {instancePath:instancePath+"/maxVerify",schemaPath:"#/properties/maxVerify/maximum",keyword:"maximum",params:{comparison: "<=", limit: 100},message:"must be <= 100"};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
if(data7 < 1 || isNaN(data7)){
const err13 = {instancePath:instancePath+"/maxVerify",schemaPath:"#/properties/maxVerify/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
}
}
if(data.verifier !== undefined){
let data8 = data.verifier;
if(!((data8 === "reference") || (data8 === "strict"))){
const err14 = {instancePath:instancePath+"/verifier",schemaPath:"#/$defs/verifier/enum",keyword:"enum",params:{allowedValues: schema57.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
}
}
else {
const err15 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
validate31.errors = vErrors;
return errors === 0;
}
validate31.evaluated = {"props":true,"dynamicProps":false,"dynamicItems":false};

const schema58 = {"type":"object","title":"V-IRL","required":["env"],"additionalProperties":false,"properties":{"env":{"const":"virl","description":"Which environment: `virl`: visual navigation along city routes (V-IRL-L, V-IRL-VL)."},"routes":{"$ref":"#/$defs/routeSource"},"actionSpace":{"enum":["absolute","relative"],"default":"absolute","description":"`absolute` (north, northeast, ...; training) or `relative` (left, right, slightly left, slightly right; rule OOD)."},"maxStraight":{"type":"integer","minimum":0,"maximum":100,"default":5,"description":"Most interpolated forward() points per straight segment of the expert rail."},"dropRate":{"type":"number","minimum":0,"maximum":1,"default":0.5,"description":"Probability that each interpolated forward() point is dropped."},"modality":{"$ref":"#/$defs/modality"},"maxVerify":{"type":"integer","minimum":1,"maximum":100,"default":2,"description":"Scored attempts per position; the budget resets whenever the agent moves."},"verifier":{"$ref":"#/$defs/verifier"},"panoramas":{"type":"string","minLength":1,"description":"Folder (relative to the config) of equirectangular panoramas with their metadata JSON (V-IRL-VL with route files): {route_id}/{place}.jpg and an optional {place}.json with the north rotation, where place is the point's index on the route's full rail, every forward() point kept (each segment's turn, then its maxStraight forward() points; the destination last), so the same on every seed. Synthetic routes render their own."}}};
const schema59 = {"description":"Where routes come from: a reference-format route_infos.json file, or an offline synthetic city.","oneOf":[{"type":"object","title":"Route file","required":["file"],"additionalProperties":false,"properties":{"file":{"type":"string","minLength":1,"description":"Path (relative to the config) of a route_infos.json: a route dict, a list of them, or the authors' file, [[route, ...], count]."}}},{"type":"object","title":"Synthetic city","required":["synthetic"],"additionalProperties":false,"properties":{"synthetic":{"type":"object","additionalProperties":false,"required":["city"],"properties":{"city":{"type":"string","minLength":1,"description":"City style name; distinct cities look different (for visual OOD)."},"routes":{"type":"integer","minimum":1,"maximum":1000000,"default":1000,"description":"Number of routes to generate."},"seed":{"type":"integer","minimum":0,"maximum":4294967295,"default":0,"description":"Seed of the city generator."}}}}}]};

function validate32(data, {instancePath="", parentData, parentDataProperty, rootData=data, dynamicAnchors={}}={}){
let vErrors = null;
let errors = 0;
const evaluated0 = validate32.evaluated;
if(evaluated0.dynamicProps){
evaluated0.props = undefined;
}
if(evaluated0.dynamicItems){
evaluated0.items = undefined;
}
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.env === undefined){
const err0 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "env"},message:"must have required property '"+"env"+"'"};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
for(const key0 in data){
if(!(func1.call(schema58.properties, key0))){
const err1 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
}
if(data.env !== undefined){
if("virl" !== data.env){
const err2 = {instancePath:instancePath+"/env",schemaPath:"#/properties/env/const",keyword:"const",params:{allowedValue: "virl"},message:"must be equal to constant"};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
}
if(data.routes !== undefined){
let data1 = data.routes;
const _errs5 = errors;
let valid2 = false;
let passing0 = null;
const _errs6 = errors;
if(data1 && typeof data1 == "object" && !Array.isArray(data1)){
if(data1.file === undefined){
const err3 = {instancePath:instancePath+"/routes",schemaPath:"#/$defs/routeSource/oneOf/0/required",keyword:"required",params:{missingProperty: "file"},message:"must have required property '"+"file"+"'"};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
for(const key1 in data1){
if(!(key1 === "file")){
const err4 = {instancePath:instancePath+"/routes",schemaPath:"#/$defs/routeSource/oneOf/0/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
}
if(data1.file !== undefined){
let data2 = data1.file;
if(typeof data2 === "string"){
if(func2(data2) < 1){
const err5 = {instancePath:instancePath+"/routes/file",schemaPath:"#/$defs/routeSource/oneOf/0/properties/file/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
}
else {
const err6 = {instancePath:instancePath+"/routes/file",schemaPath:"#/$defs/routeSource/oneOf/0/properties/file/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
}
}
else {
const err7 = {instancePath:instancePath+"/routes",schemaPath:"#/$defs/routeSource/oneOf/0/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
var _valid0 = _errs6 === errors;
if(_valid0){
valid2 = true;
passing0 = 0;
var props0 = true;
}
const _errs11 = errors;
if(data1 && typeof data1 == "object" && !Array.isArray(data1)){
if(data1.synthetic === undefined){
const err8 = {instancePath:instancePath+"/routes",schemaPath:"#/$defs/routeSource/oneOf/1/required",keyword:"required",params:{missingProperty: "synthetic"},message:"must have required property '"+"synthetic"+"'"};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
for(const key2 in data1){
if(!(key2 === "synthetic")){
const err9 = {instancePath:instancePath+"/routes",schemaPath:"#/$defs/routeSource/oneOf/1/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key2},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
}
if(data1.synthetic !== undefined){
let data3 = data1.synthetic;
if(data3 && typeof data3 == "object" && !Array.isArray(data3)){
if(data3.city === undefined){
const err10 = {instancePath:instancePath+"/routes/synthetic",schemaPath:"#/$defs/routeSource/oneOf/1/properties/synthetic/required",keyword:"required",params:{missingProperty: "city"},message:"must have required property '"+"city"+"'"};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
for(const key3 in data3){
if(!(((key3 === "city") || (key3 === "routes")) || (key3 === "seed"))){
const err11 = {instancePath:instancePath+"/routes/synthetic",schemaPath:"#/$defs/routeSource/oneOf/1/properties/synthetic/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key3},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
}
if(data3.city !== undefined){
let data4 = data3.city;
if(typeof data4 === "string"){
if(func2(data4) < 1){
const err12 = {instancePath:instancePath+"/routes/synthetic/city",schemaPath:"#/$defs/routeSource/oneOf/1/properties/synthetic/properties/city/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
}
else {
const err13 = {instancePath:instancePath+"/routes/synthetic/city",schemaPath:"#/$defs/routeSource/oneOf/1/properties/synthetic/properties/city/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
}
if(data3.routes !== undefined){
let data5 = data3.routes;
if(!(((typeof data5 == "number") && (!(data5 % 1) && !isNaN(data5))) && (isFinite(data5)))){
const err14 = {instancePath:instancePath+"/routes/synthetic/routes",schemaPath:"#/$defs/routeSource/oneOf/1/properties/synthetic/properties/routes/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
if((typeof data5 == "number") && (isFinite(data5))){
if(data5 > 1000000 || isNaN(data5)){
const err15 = {instancePath:instancePath+"/routes/synthetic/routes",schemaPath:"#/$defs/routeSource/oneOf/1/properties/synthetic/properties/routes/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1000000},message:"must be <= 1000000"};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
if(data5 < 1 || isNaN(data5)){
const err16 = {instancePath:instancePath+"/routes/synthetic/routes",schemaPath:"#/$defs/routeSource/oneOf/1/properties/synthetic/properties/routes/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
}
}
if(data3.seed !== undefined){
let data6 = data3.seed;
if(!(((typeof data6 == "number") && (!(data6 % 1) && !isNaN(data6))) && (isFinite(data6)))){
const err17 = {instancePath:instancePath+"/routes/synthetic/seed",schemaPath:"#/$defs/routeSource/oneOf/1/properties/synthetic/properties/seed/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
if((typeof data6 == "number") && (isFinite(data6))){
if(data6 > 4294967295 || isNaN(data6)){
const err18 = {instancePath:instancePath+"/routes/synthetic/seed",schemaPath:"#/$defs/routeSource/oneOf/1/properties/synthetic/properties/seed/maximum",keyword:"maximum",params:{comparison: "<=", limit: 4294967295},message:"must be <= 4294967295"};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
if(data6 < 0 || isNaN(data6)){
const err19 = {instancePath:instancePath+"/routes/synthetic/seed",schemaPath:"#/$defs/routeSource/oneOf/1/properties/synthetic/properties/seed/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err19];
}
else {
vErrors.push(err19);
}
errors++;
}
}
}
}
else {
const err20 = {instancePath:instancePath+"/routes/synthetic",schemaPath:"#/$defs/routeSource/oneOf/1/properties/synthetic/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err20];
}
else {
vErrors.push(err20);
}
errors++;
}
}
}
else {
const err21 = {instancePath:instancePath+"/routes",schemaPath:"#/$defs/routeSource/oneOf/1/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err21];
}
else {
vErrors.push(err21);
}
errors++;
}
var _valid0 = _errs11 === errors;
if(_valid0 && valid2){
valid2 = false;
passing0 = [passing0, 1];
}
else {
if(_valid0){
valid2 = true;
passing0 = 1;
if(props0 !== true){
props0 = true;
}
}
}
if(!valid2){
const err22 = {instancePath:instancePath+"/routes",schemaPath:"#/$defs/routeSource/oneOf",keyword:"oneOf",params:{passingSchemas: passing0},message:"must match exactly one schema in oneOf"};
if(vErrors === null){
vErrors = [err22];
}
else {
vErrors.push(err22);
}
errors++;
}
else {
errors = _errs5;
if(vErrors !== null){
if(_errs5){
vErrors.length = _errs5;
}
else {
vErrors = null;
}
}
}
}
if(data.actionSpace !== undefined){
let data7 = data.actionSpace;
if(!((data7 === "absolute") || (data7 === "relative"))){
const err23 = {instancePath:instancePath+"/actionSpace",schemaPath:"#/properties/actionSpace/enum",keyword:"enum",params:{allowedValues: schema58.properties.actionSpace.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err23];
}
else {
vErrors.push(err23);
}
errors++;
}
}
if(data.maxStraight !== undefined){
let data8 = data.maxStraight;
if(!(((typeof data8 == "number") && (!(data8 % 1) && !isNaN(data8))) && (isFinite(data8)))){
const err24 = {instancePath:instancePath+"/maxStraight",schemaPath:"#/properties/maxStraight/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err24];
}
else {
vErrors.push(err24);
}
errors++;
}
if((typeof data8 == "number") && (isFinite(data8))){
if(data8 > 100 || isNaN(data8)){
const err25 = {instancePath:instancePath+"/maxStraight",schemaPath:"#/properties/maxStraight/maximum",keyword:"maximum",params:{comparison: "<=", limit: 100},message:"must be <= 100"};
if(vErrors === null){
vErrors = [err25];
}
else {
vErrors.push(err25);
}
errors++;
}
if(data8 < 0 || isNaN(data8)){
const err26 = {instancePath:instancePath+"/maxStraight",schemaPath:"#/properties/maxStraight/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err26];
}
else {
vErrors.push(err26);
}
errors++;
}
}
}
if(data.dropRate !== undefined){
let data9 = data.dropRate;
if((typeof data9 == "number") && (isFinite(data9))){
if(data9 > 1 || isNaN(data9)){
const err27 = {instancePath:instancePath+"/dropRate",schemaPath:"#/properties/dropRate/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1},message:"must be <= 1"};
if(vErrors === null){
vErrors = [err27];
}
else {
vErrors.push(err27);
}
errors++;
}
if(data9 < 0 || isNaN(data9)){
const err28 = {instancePath:instancePath+"/dropRate",schemaPath:"#/properties/dropRate/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err28];
}
else {
vErrors.push(err28);
}
errors++;
}
}
else {
const err29 = {instancePath:instancePath+"/dropRate",schemaPath:"#/properties/dropRate/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err29];
}
else {
vErrors.push(err29);
}
errors++;
}
}
if(data.modality !== undefined){
let data10 = data.modality;
if(!((data10 === "language") || (data10 === "vision"))){
const err30 = {instancePath:instancePath+"/modality",schemaPath:"#/$defs/modality/enum",keyword:"enum",params:{allowedValues: schema56.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err30];
}
else {
vErrors.push(err30);
}
errors++;
}
}
if(data.maxVerify !== undefined){
let data11 = data.maxVerify;
if(!(((typeof data11 == "number") && (!(data11 % 1) && !isNaN(data11))) && (isFinite(data11)))){
const err31 = {instancePath:instancePath+"/maxVerify",schemaPath:"#/properties/maxVerify/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err31];
}
else {
vErrors.push(err31);
}
errors++;
}
if((typeof data11 == "number") && (isFinite(data11))){
if(data11 > 100 || isNaN(data11)){
const err32 = {instancePath:instancePath+"/maxVerify",schemaPath:"#/properties/maxVerify/maximum",keyword:"maximum",params:{comparison: "<=", limit: 100},message:"must be <= 100"};
if(vErrors === null){
vErrors = [err32];
}
else {
vErrors.push(err32);
}
errors++;
}
if(data11 < 1 || isNaN(data11)){
const err33 = {instancePath:instancePath+"/maxVerify",schemaPath:"#/properties/maxVerify/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err33];
}
else {
vErrors.push(err33);
}
errors++;
}
}
}
if(data.verifier !== undefined){
let data12 = data.verifier;
if(!((data12 === "reference") || (data12 === "strict"))){
const err34 = {instancePath:instancePath+"/verifier",schemaPath:"#/$defs/verifier/enum",keyword:"enum",params:{allowedValues: schema57.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err34];
}
else {
vErrors.push(err34);
}
errors++;
}
}
if(data.panoramas !== undefined){
let data13 = data.panoramas;
if(typeof data13 === "string"){
if(func2(data13) < 1){
const err35 = {instancePath:instancePath+"/panoramas",schemaPath:"#/properties/panoramas/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err35];
}
else {
vErrors.push(err35);
}
errors++;
}
}
else {
const err36 = {instancePath:instancePath+"/panoramas",schemaPath:"#/properties/panoramas/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err36];
}
else {
vErrors.push(err36);
}
errors++;
}
}
}
else {
const err37 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err37];
}
else {
vErrors.push(err37);
}
errors++;
}
validate32.errors = vErrors;
return errors === 0;
}
validate32.evaluated = {"props":true,"dynamicProps":false,"dynamicItems":false};


function validate30(data, {instancePath="", parentData, parentDataProperty, rootData=data, dynamicAnchors={}}={}){
let vErrors = null;
let errors = 0;
const evaluated0 = validate30.evaluated;
if(evaluated0.dynamicProps){
evaluated0.props = undefined;
}
if(evaluated0.dynamicItems){
evaluated0.items = undefined;
}
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.env === undefined){
const err0 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "env"},message:"must have required property '"+"env"+"'"};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
const tag0 = data.env;
if(typeof tag0 == "string"){
if(tag0 === "generalpoints"){
if(!(validate31(data, {instancePath,parentData,parentDataProperty,rootData,dynamicAnchors}))){
vErrors = vErrors === null ? validate31.errors : vErrors.concat(validate31.errors);
errors = vErrors.length;
}
var props0 = true;
}
else if(tag0 === "virl"){
if(!(validate32(data, {instancePath,parentData,parentDataProperty,rootData,dynamicAnchors}))){
vErrors = vErrors === null ? validate32.errors : vErrors.concat(validate32.errors);
errors = vErrors.length;
}
if(props0 !== true){
props0 = true;
}
}
else {
const err1 = {instancePath,schemaPath:"#/discriminator",keyword:"discriminator",params:{error: "mapping", tag: "env", tagValue: tag0},message:"value of tag \"env\" must be in oneOf"};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
}
else {
const err2 = {instancePath,schemaPath:"#/discriminator",keyword:"discriminator",params:{error: "tag", tag: "env", tagValue: tag0},message:"tag \"env\" must be string"};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
}
else {
const err3 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
validate30.errors = vErrors;
evaluated0.props = props0;
return errors === 0;
}
validate30.evaluated = {"dynamicProps":true,"dynamicItems":false};

const schema63 = {"type":"object","description":"Supervised fine-tuning on expert data from the training environment (loss on assistant tokens only, unless `assistantOnlyLoss` is false).","additionalProperties":false,"properties":{"init":{"$ref":"#/$defs/checkpointRef","description":"Start from this checkpoint instead of the base model (e.g. to scale SFT from Init). The data and its order still come from `seed` and `data`: with the Init run's seed, SFT trains on Init's examples again, its first epoch in Init's order (as the reference's HF Trainer does); set another `seed` for fresh data."},"data":{"type":"object","additionalProperties":false,"properties":{"source":{"enum":["environment","pretraining-corpus"],"default":"environment","description":"`environment`: expert examples of this experiment's environment. `pretraining-corpus`: the synthetic corpus embedded:gp-base is pretrained on (card values under stated face-card rules, exact arithmetic, make-a-target puzzles in plain words and in GeneralPoints' format with targets other than 24, revisions after the verifier's message, and, when `mix` asks for it, the 24 game under face rules other than the evaluation's; docs/base-model.md); `trajectories` does not apply."},"examples":{"type":"integer","minimum":1,"maximum":100000000,"default":10000,"description":"Expert examples (sampled states) to generate, or corpus examples."},"trajectories":{"enum":["optimal","suboptimal"],"default":"optimal","description":"`optimal`: one single-turn prompt -> expert response per state. `suboptimal` (GeneralPoints): multi-turn trajectories with wrong attempts and verifier messages (figure 15 ablation); the wrong attempts are context, the loss is on the expert's final answer only."},"wrongAttempts":{"type":"integer","minimum":0,"maximum":100,"default":2,"description":"Most wrong attempts before the correct one in a sub-optimal trajectory."},"mix":{"type":"object","additionalProperties":false,"minProperties":1,"properties":{"card-values":{"type":"integer","minimum":0,"maximum":1000},"arithmetic":{"type":"integer","minimum":0,"maximum":1000},"make-target":{"type":"integer","minimum":0,"maximum":1000},"card-puzzle":{"type":"integer","minimum":0,"maximum":1000},"revision":{"type":"integer","minimum":0,"maximum":1000},"twenty-four":{"type":"integer","minimum":0,"maximum":1000},"navigation":{"type":"integer","minimum":0,"maximum":1000},"navigation-revision":{"type":"integer","minimum":0,"maximum":1000},"route-reading":{"type":"integer","minimum":0,"maximum":1000},"repeat":{"type":"integer","minimum":0,"maximum":1000},"repeat-long":{"type":"integer","minimum":0,"maximum":1000}},"description":"`pretraining-corpus` only: each task's share of the corpus in thousandths, adding up to 1000 (default: card-values 150, arithmetic 200, make-target 150, card-puzzle 350, revision 150). `twenty-four` is the 24 game in GeneralPoints' format under face rules other than the evaluation's two (docs/base-model.md); `navigation` and `navigation-revision` are V-IRL-L's prompt on routes of cities other than the evaluation's, under several action-space conventions, and `route-reading` short questions on a route's text (the sentence after an observed landmark, a sentence quoted, a turn sentence's action, an observation quoted), `repeat`, text to repeat word for word (6-24 places, made-up names, directions, numbers), and `repeat-long`, the same with 40-90 items (a look-up 120-490 tokens back) (embedded:virl-base's corpus)."}}},"steps":{"type":"integer","minimum":1,"maximum":100000000,"description":"Optimizer steps (default: `epochs` passes over the examples)."},"epochs":{"type":"number","exclusiveMinimum":0,"default":1,"description":"Passes over the examples when `steps` is not given: the run ends once it has read epochs x the examples, however many a packed sequence holds (its last step takes what is left)."},"learningRate":{"type":"number","exclusiveMinimum":0,"maximum":1,"default":0.000001,"description":"Peak learning rate (1e-6 in the paper; 5e-7 for VL tasks)."},"schedule":{"enum":["cosine","linear","constant"],"default":"cosine","description":"Learning-rate schedule after warmup."},"warmupRatio":{"type":"number","minimum":0,"maximum":1,"default":0.03,"description":"Fraction of steps spent warming up: ceil(warmupRatio x steps) steps, as HF's Trainer counts them."},"warmupShape":{"enum":["linear","log"],"default":"linear","description":"How the rate rises from 0 during the W warmup steps. `linear` (HF's Trainer): step s runs at learningRate x s / W. `log` (DeepSpeed's WarmupLR and its default warmup_type): learningRate x ln(s) / ln(W), 0 at steps 0 and 1, W at least 2. The reference's SFT ran `log` then `constant`: its launch script asks HF for a cosine, but its DeepSpeed config (sft_scripts/zero3_offload.json) names the WarmupLR scheduler, which HF's Trainer then leaves to DeepSpeed; the paper presets set both."},"adam":{"$ref":"#/$defs/adam"},"globalBatchSize":{"type":"integer","minimum":1,"maximum":1048576,"default":128,"description":"Sequences per optimizer step over all processes (reached by gradient accumulation)."},"microBatchSize":{"type":"integer","minimum":1,"maximum":65536,"default":8,"description":"Sequences per forward pass per process."},"packing":{"type":"boolean","default":false,"description":"Pack several examples into each sequence (attention kept within each example), up to model.maxLength tokens: a step then reads several times more examples, and an epoch takes as many fewer steps. Refused at the start for a model whose decoder would let the packed examples read one another under its attention (checked on the CPU on a small random copy of it: under flash_attention_2/3 as under varlen, which reads the same segments (its copy without a sliding window or softcap, which flash attention runs within a segment and varlen does not); under flex_attention as under SDPA, whose mask it is given. OPT's, BioGPT's and Qwen2-VL's text model do under SDPA, eager or flex_attention, and model.attention varlen keeps them apart; XGLM's and Bloom's do under every attention they load with, and the refusal then says to turn this off)."},"paddingFree":{"type":"boolean","default":false,"description":"Each forward pass reads its micro-batch's sequences end to end as one row, without padding, positions restarting at each example (TRL's padding_free): the same loss and gradient as padded rows. It pays with model.attention varlen or flash_attention_2/3 (variable-length kernels) or flex_attention; under SDPA or eager attention the row's mask is dense over the whole micro-batch, slower than padding. Text models only; refused at the start for a model whose decoder would let the row's sequences read one another (as sft.packing)."},"assistantOnlyLoss":{"type":"boolean","default":true,"description":"true (SFT): the loss is on the assistant messages' tokens only (TRL's assistant_only_loss). false: on every token of each chat, the prompts' too, as pretraining learns a document, except the assistant messages marked `\"train\": false` (context such as a wrong answer, never learned); the recipe of embedded:virl-base uses it (docs/base-model.md). Text models only."},"maxGradNorm":{"type":"number","exclusiveMinimum":0,"default":1,"description":"Gradient clipping norm."},"saveEverySteps":{"type":"integer","minimum":1,"description":"Checkpoint every N optimizer steps (and always at the end)."}}};
const schema64 = {"type":"string","minLength":1,"description":"A checkpoint folder (relative to the config), e.g. `runs/gp-l/sft-init/checkpoints/step-000100`."};
const schema65 = {"type":"object","description":"SFT's optimizer: torch's AdamW, as the reference's SFT (DeepSpeed's AdamW from its config).","additionalProperties":false,"properties":{"betas":{"type":"array","prefixItems":[{"type":"number","minimum":0,"exclusiveMaximum":1},{"type":"number","minimum":0,"exclusiveMaximum":1}],"minItems":2,"maxItems":2,"description":"Adam (beta1, beta2); (0.9, 0.98) in the reference's SFT.","default":[0.9,0.98]},"eps":{"type":"number","exclusiveMinimum":0,"description":"Adam epsilon (1e-7 in the reference recipe).","default":1e-7},"weightDecay":{"type":"number","minimum":0,"default":0,"description":"Decoupled weight decay (AdamW): each step also shrinks every trained weight by learningRate x weightDecay x the weight, biases and norm weights included, as the reference's DeepSpeed-built AdamW over all the parameters does (HF's Trainer exempts them only where it makes the optimizer itself). 0 in the reference."},"implementation":{"enum":["fused","foreach","for-loop"],"default":"fused","description":"PyTorch's Adam kernel (the same update up to float rounding; a test compares SFT losses). `fused`: one kernel over every parameter (transformers' Trainer default since torch 2.8; no temporaries). `foreach`: torch's multi-tensor kernels (its default on CUDA). `for-loop`: a parameter at a time (its default on CPU). On the project's 2-core CPU the fused step is several times faster than the for-loop (README, Speed options)."}}};

function validate36(data, {instancePath="", parentData, parentDataProperty, rootData=data, dynamicAnchors={}}={}){
let vErrors = null;
let errors = 0;
const evaluated0 = validate36.evaluated;
if(evaluated0.dynamicProps){
evaluated0.props = undefined;
}
if(evaluated0.dynamicItems){
evaluated0.items = undefined;
}
if(data && typeof data == "object" && !Array.isArray(data)){
for(const key0 in data){
if(!(func1.call(schema63.properties, key0))){
const err0 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
}
if(data.init !== undefined){
let data0 = data.init;
if(typeof data0 === "string"){
if(func2(data0) < 1){
const err1 = {instancePath:instancePath+"/init",schemaPath:"#/$defs/checkpointRef/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
}
else {
const err2 = {instancePath:instancePath+"/init",schemaPath:"#/$defs/checkpointRef/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
}
if(data.data !== undefined){
let data1 = data.data;
if(data1 && typeof data1 == "object" && !Array.isArray(data1)){
for(const key1 in data1){
if(!(((((key1 === "source") || (key1 === "examples")) || (key1 === "trajectories")) || (key1 === "wrongAttempts")) || (key1 === "mix"))){
const err3 = {instancePath:instancePath+"/data",schemaPath:"#/properties/data/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
}
if(data1.source !== undefined){
let data2 = data1.source;
if(!((data2 === "environment") || (data2 === "pretraining-corpus"))){
const err4 = {instancePath:instancePath+"/data/source",schemaPath:"#/properties/data/properties/source/enum",keyword:"enum",params:{allowedValues: schema63.properties.data.properties.source.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
}
if(data1.examples !== undefined){
let data3 = data1.examples;
if(!(((typeof data3 == "number") && (!(data3 % 1) && !isNaN(data3))) && (isFinite(data3)))){
const err5 = {instancePath:instancePath+"/data/examples",schemaPath:"#/properties/data/properties/examples/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
if((typeof data3 == "number") && (isFinite(data3))){
if(data3 > 100000000 || isNaN(data3)){
const err6 = {instancePath:instancePath+"/data/examples",schemaPath:"#/properties/data/properties/examples/maximum",keyword:"maximum",params:{comparison: "<=", limit: 100000000},message:"must be <= 100000000"};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
if(data3 < 1 || isNaN(data3)){
const err7 = {instancePath:instancePath+"/data/examples",schemaPath:"#/properties/data/properties/examples/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
}
}
if(data1.trajectories !== undefined){
let data4 = data1.trajectories;
if(!((data4 === "optimal") || (data4 === "suboptimal"))){
const err8 = {instancePath:instancePath+"/data/trajectories",schemaPath:"#/properties/data/properties/trajectories/enum",keyword:"enum",params:{allowedValues: schema63.properties.data.properties.trajectories.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
}
if(data1.wrongAttempts !== undefined){
let data5 = data1.wrongAttempts;
if(!(((typeof data5 == "number") && (!(data5 % 1) && !isNaN(data5))) && (isFinite(data5)))){
const err9 = {instancePath:instancePath+"/data/wrongAttempts",schemaPath:"#/properties/data/properties/wrongAttempts/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
if((typeof data5 == "number") && (isFinite(data5))){
if(data5 > 100 || isNaN(data5)){
const err10 = {instancePath:instancePath+"/data/wrongAttempts",schemaPath:"#/properties/data/properties/wrongAttempts/maximum",keyword:"maximum",params:{comparison: "<=", limit: 100},message:"must be <= 100"};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
if(data5 < 0 || isNaN(data5)){
const err11 = {instancePath:instancePath+"/data/wrongAttempts",schemaPath:"#/properties/data/properties/wrongAttempts/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
}
}
if(data1.mix !== undefined){
let data6 = data1.mix;
if(data6 && typeof data6 == "object" && !Array.isArray(data6)){
if(Object.keys(data6).length < 1){
const err12 = {instancePath:instancePath+"/data/mix",schemaPath:"#/properties/data/properties/mix/minProperties",keyword:"minProperties",params:{limit: 1},message:"must NOT have fewer than 1 properties"};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
for(const key2 in data6){
if(!(func1.call(schema63.properties.data.properties.mix.properties, key2))){
const err13 = {instancePath:instancePath+"/data/mix",schemaPath:"#/properties/data/properties/mix/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key2},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
}
if(data6["card-values"] !== undefined){
let data7 = data6["card-values"];
if(!(((typeof data7 == "number") && (!(data7 % 1) && !isNaN(data7))) && (isFinite(data7)))){
const err14 = {instancePath:instancePath+"/data/mix/card-values",schemaPath:"#/properties/data/properties/mix/properties/card-values/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
if((typeof data7 == "number") && (isFinite(data7))){
if(data7 > 1000 || isNaN(data7)){
const err15 = {instancePath:instancePath+"/data/mix/card-values",schemaPath:"#/properties/data/properties/mix/properties/card-values/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1000},message:"must be <= 1000"};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
if(data7 < 0 || isNaN(data7)){
const err16 = {instancePath:instancePath+"/data/mix/card-values",schemaPath:"#/properties/data/properties/mix/properties/card-values/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
}
}
if(data6.arithmetic !== undefined){
let data8 = data6.arithmetic;
if(!(((typeof data8 == "number") && (!(data8 % 1) && !isNaN(data8))) && (isFinite(data8)))){
const err17 = {instancePath:instancePath+"/data/mix/arithmetic",schemaPath:"#/properties/data/properties/mix/properties/arithmetic/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
if((typeof data8 == "number") && (isFinite(data8))){
if(data8 > 1000 || isNaN(data8)){
const err18 = {instancePath:instancePath+"/data/mix/arithmetic",schemaPath:"#/properties/data/properties/mix/properties/arithmetic/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1000},message:"must be <= 1000"};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
if(data8 < 0 || isNaN(data8)){
const err19 = {instancePath:instancePath+"/data/mix/arithmetic",schemaPath:"#/properties/data/properties/mix/properties/arithmetic/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err19];
}
else {
vErrors.push(err19);
}
errors++;
}
}
}
if(data6["make-target"] !== undefined){
let data9 = data6["make-target"];
if(!(((typeof data9 == "number") && (!(data9 % 1) && !isNaN(data9))) && (isFinite(data9)))){
const err20 = {instancePath:instancePath+"/data/mix/make-target",schemaPath:"#/properties/data/properties/mix/properties/make-target/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err20];
}
else {
vErrors.push(err20);
}
errors++;
}
if((typeof data9 == "number") && (isFinite(data9))){
if(data9 > 1000 || isNaN(data9)){
const err21 = {instancePath:instancePath+"/data/mix/make-target",schemaPath:"#/properties/data/properties/mix/properties/make-target/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1000},message:"must be <= 1000"};
if(vErrors === null){
vErrors = [err21];
}
else {
vErrors.push(err21);
}
errors++;
}
if(data9 < 0 || isNaN(data9)){
const err22 = {instancePath:instancePath+"/data/mix/make-target",schemaPath:"#/properties/data/properties/mix/properties/make-target/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err22];
}
else {
vErrors.push(err22);
}
errors++;
}
}
}
if(data6["card-puzzle"] !== undefined){
let data10 = data6["card-puzzle"];
if(!(((typeof data10 == "number") && (!(data10 % 1) && !isNaN(data10))) && (isFinite(data10)))){
const err23 = {instancePath:instancePath+"/data/mix/card-puzzle",schemaPath:"#/properties/data/properties/mix/properties/card-puzzle/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err23];
}
else {
vErrors.push(err23);
}
errors++;
}
if((typeof data10 == "number") && (isFinite(data10))){
if(data10 > 1000 || isNaN(data10)){
const err24 = {instancePath:instancePath+"/data/mix/card-puzzle",schemaPath:"#/properties/data/properties/mix/properties/card-puzzle/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1000},message:"must be <= 1000"};
if(vErrors === null){
vErrors = [err24];
}
else {
vErrors.push(err24);
}
errors++;
}
if(data10 < 0 || isNaN(data10)){
const err25 = {instancePath:instancePath+"/data/mix/card-puzzle",schemaPath:"#/properties/data/properties/mix/properties/card-puzzle/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err25];
}
else {
vErrors.push(err25);
}
errors++;
}
}
}
if(data6.revision !== undefined){
let data11 = data6.revision;
if(!(((typeof data11 == "number") && (!(data11 % 1) && !isNaN(data11))) && (isFinite(data11)))){
const err26 = {instancePath:instancePath+"/data/mix/revision",schemaPath:"#/properties/data/properties/mix/properties/revision/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err26];
}
else {
vErrors.push(err26);
}
errors++;
}
if((typeof data11 == "number") && (isFinite(data11))){
if(data11 > 1000 || isNaN(data11)){
const err27 = {instancePath:instancePath+"/data/mix/revision",schemaPath:"#/properties/data/properties/mix/properties/revision/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1000},message:"must be <= 1000"};
if(vErrors === null){
vErrors = [err27];
}
else {
vErrors.push(err27);
}
errors++;
}
if(data11 < 0 || isNaN(data11)){
const err28 = {instancePath:instancePath+"/data/mix/revision",schemaPath:"#/properties/data/properties/mix/properties/revision/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err28];
}
else {
vErrors.push(err28);
}
errors++;
}
}
}
if(data6["twenty-four"] !== undefined){
let data12 = data6["twenty-four"];
if(!(((typeof data12 == "number") && (!(data12 % 1) && !isNaN(data12))) && (isFinite(data12)))){
const err29 = {instancePath:instancePath+"/data/mix/twenty-four",schemaPath:"#/properties/data/properties/mix/properties/twenty-four/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err29];
}
else {
vErrors.push(err29);
}
errors++;
}
if((typeof data12 == "number") && (isFinite(data12))){
if(data12 > 1000 || isNaN(data12)){
const err30 = {instancePath:instancePath+"/data/mix/twenty-four",schemaPath:"#/properties/data/properties/mix/properties/twenty-four/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1000},message:"must be <= 1000"};
if(vErrors === null){
vErrors = [err30];
}
else {
vErrors.push(err30);
}
errors++;
}
if(data12 < 0 || isNaN(data12)){
const err31 = {instancePath:instancePath+"/data/mix/twenty-four",schemaPath:"#/properties/data/properties/mix/properties/twenty-four/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err31];
}
else {
vErrors.push(err31);
}
errors++;
}
}
}
if(data6.navigation !== undefined){
let data13 = data6.navigation;
if(!(((typeof data13 == "number") && (!(data13 % 1) && !isNaN(data13))) && (isFinite(data13)))){
const err32 = {instancePath:instancePath+"/data/mix/navigation",schemaPath:"#/properties/data/properties/mix/properties/navigation/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err32];
}
else {
vErrors.push(err32);
}
errors++;
}
if((typeof data13 == "number") && (isFinite(data13))){
if(data13 > 1000 || isNaN(data13)){
const err33 = {instancePath:instancePath+"/data/mix/navigation",schemaPath:"#/properties/data/properties/mix/properties/navigation/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1000},message:"must be <= 1000"};
if(vErrors === null){
vErrors = [err33];
}
else {
vErrors.push(err33);
}
errors++;
}
if(data13 < 0 || isNaN(data13)){
const err34 = {instancePath:instancePath+"/data/mix/navigation",schemaPath:"#/properties/data/properties/mix/properties/navigation/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err34];
}
else {
vErrors.push(err34);
}
errors++;
}
}
}
if(data6["navigation-revision"] !== undefined){
let data14 = data6["navigation-revision"];
if(!(((typeof data14 == "number") && (!(data14 % 1) && !isNaN(data14))) && (isFinite(data14)))){
const err35 = {instancePath:instancePath+"/data/mix/navigation-revision",schemaPath:"#/properties/data/properties/mix/properties/navigation-revision/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err35];
}
else {
vErrors.push(err35);
}
errors++;
}
if((typeof data14 == "number") && (isFinite(data14))){
if(data14 > 1000 || isNaN(data14)){
const err36 = {instancePath:instancePath+"/data/mix/navigation-revision",schemaPath:"#/properties/data/properties/mix/properties/navigation-revision/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1000},message:"must be <= 1000"};
if(vErrors === null){
vErrors = [err36];
}
else {
vErrors.push(err36);
}
errors++;
}
if(data14 < 0 || isNaN(data14)){
const err37 = {instancePath:instancePath+"/data/mix/navigation-revision",schemaPath:"#/properties/data/properties/mix/properties/navigation-revision/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err37];
}
else {
vErrors.push(err37);
}
errors++;
}
}
}
if(data6["route-reading"] !== undefined){
let data15 = data6["route-reading"];
if(!(((typeof data15 == "number") && (!(data15 % 1) && !isNaN(data15))) && (isFinite(data15)))){
const err38 = {instancePath:instancePath+"/data/mix/route-reading",schemaPath:"#/properties/data/properties/mix/properties/route-reading/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err38];
}
else {
vErrors.push(err38);
}
errors++;
}
if((typeof data15 == "number") && (isFinite(data15))){
if(data15 > 1000 || isNaN(data15)){
const err39 = {instancePath:instancePath+"/data/mix/route-reading",schemaPath:"#/properties/data/properties/mix/properties/route-reading/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1000},message:"must be <= 1000"};
if(vErrors === null){
vErrors = [err39];
}
else {
vErrors.push(err39);
}
errors++;
}
if(data15 < 0 || isNaN(data15)){
const err40 = {instancePath:instancePath+"/data/mix/route-reading",schemaPath:"#/properties/data/properties/mix/properties/route-reading/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err40];
}
else {
vErrors.push(err40);
}
errors++;
}
}
}
if(data6.repeat !== undefined){
let data16 = data6.repeat;
if(!(((typeof data16 == "number") && (!(data16 % 1) && !isNaN(data16))) && (isFinite(data16)))){
const err41 = {instancePath:instancePath+"/data/mix/repeat",schemaPath:"#/properties/data/properties/mix/properties/repeat/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err41];
}
else {
vErrors.push(err41);
}
errors++;
}
if((typeof data16 == "number") && (isFinite(data16))){
if(data16 > 1000 || isNaN(data16)){
const err42 = {instancePath:instancePath+"/data/mix/repeat",schemaPath:"#/properties/data/properties/mix/properties/repeat/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1000},message:"must be <= 1000"};
if(vErrors === null){
vErrors = [err42];
}
else {
vErrors.push(err42);
}
errors++;
}
if(data16 < 0 || isNaN(data16)){
const err43 = {instancePath:instancePath+"/data/mix/repeat",schemaPath:"#/properties/data/properties/mix/properties/repeat/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err43];
}
else {
vErrors.push(err43);
}
errors++;
}
}
}
if(data6["repeat-long"] !== undefined){
let data17 = data6["repeat-long"];
if(!(((typeof data17 == "number") && (!(data17 % 1) && !isNaN(data17))) && (isFinite(data17)))){
const err44 = {instancePath:instancePath+"/data/mix/repeat-long",schemaPath:"#/properties/data/properties/mix/properties/repeat-long/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err44];
}
else {
vErrors.push(err44);
}
errors++;
}
if((typeof data17 == "number") && (isFinite(data17))){
if(data17 > 1000 || isNaN(data17)){
const err45 = {instancePath:instancePath+"/data/mix/repeat-long",schemaPath:"#/properties/data/properties/mix/properties/repeat-long/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1000},message:"must be <= 1000"};
if(vErrors === null){
vErrors = [err45];
}
else {
vErrors.push(err45);
}
errors++;
}
if(data17 < 0 || isNaN(data17)){
const err46 = {instancePath:instancePath+"/data/mix/repeat-long",schemaPath:"#/properties/data/properties/mix/properties/repeat-long/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err46];
}
else {
vErrors.push(err46);
}
errors++;
}
}
}
}
else {
const err47 = {instancePath:instancePath+"/data/mix",schemaPath:"#/properties/data/properties/mix/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err47];
}
else {
vErrors.push(err47);
}
errors++;
}
}
}
else {
const err48 = {instancePath:instancePath+"/data",schemaPath:"#/properties/data/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err48];
}
else {
vErrors.push(err48);
}
errors++;
}
}
if(data.steps !== undefined){
let data18 = data.steps;
if(!(((typeof data18 == "number") && (!(data18 % 1) && !isNaN(data18))) && (isFinite(data18)))){
const err49 = {instancePath:instancePath+"/steps",schemaPath:"#/properties/steps/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err49];
}
else {
vErrors.push(err49);
}
errors++;
}
if((typeof data18 == "number") && (isFinite(data18))){
if(data18 > 100000000 || isNaN(data18)){
const err50 = {instancePath:instancePath+"/steps",schemaPath:"#/properties/steps/maximum",keyword:"maximum",params:{comparison: "<=", limit: 100000000},message:"must be <= 100000000"};
if(vErrors === null){
vErrors = [err50];
}
else {
vErrors.push(err50);
}
errors++;
}
if(data18 < 1 || isNaN(data18)){
const err51 = {instancePath:instancePath+"/steps",schemaPath:"#/properties/steps/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err51];
}
else {
vErrors.push(err51);
}
errors++;
}
}
}
if(data.epochs !== undefined){
let data19 = data.epochs;
if((typeof data19 == "number") && (isFinite(data19))){
if(data19 <= 0 || isNaN(data19)){
const err52 = {instancePath:instancePath+"/epochs",schemaPath:"#/properties/epochs/exclusiveMinimum",keyword:"exclusiveMinimum",params:{comparison: ">", limit: 0},message:"must be > 0"};
if(vErrors === null){
vErrors = [err52];
}
else {
vErrors.push(err52);
}
errors++;
}
}
else {
const err53 = {instancePath:instancePath+"/epochs",schemaPath:"#/properties/epochs/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err53];
}
else {
vErrors.push(err53);
}
errors++;
}
}
if(data.learningRate !== undefined){
let data20 = data.learningRate;
if((typeof data20 == "number") && (isFinite(data20))){
if(data20 > 1 || isNaN(data20)){
const err54 = {instancePath:instancePath+"/learningRate",schemaPath:"#/properties/learningRate/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1},message:"must be <= 1"};
if(vErrors === null){
vErrors = [err54];
}
else {
vErrors.push(err54);
}
errors++;
}
if(data20 <= 0 || isNaN(data20)){
const err55 = {instancePath:instancePath+"/learningRate",schemaPath:"#/properties/learningRate/exclusiveMinimum",keyword:"exclusiveMinimum",params:{comparison: ">", limit: 0},message:"must be > 0"};
if(vErrors === null){
vErrors = [err55];
}
else {
vErrors.push(err55);
}
errors++;
}
}
else {
const err56 = {instancePath:instancePath+"/learningRate",schemaPath:"#/properties/learningRate/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err56];
}
else {
vErrors.push(err56);
}
errors++;
}
}
if(data.schedule !== undefined){
let data21 = data.schedule;
if(!(((data21 === "cosine") || (data21 === "linear")) || (data21 === "constant"))){
const err57 = {instancePath:instancePath+"/schedule",schemaPath:"#/properties/schedule/enum",keyword:"enum",params:{allowedValues: schema63.properties.schedule.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err57];
}
else {
vErrors.push(err57);
}
errors++;
}
}
if(data.warmupRatio !== undefined){
let data22 = data.warmupRatio;
if((typeof data22 == "number") && (isFinite(data22))){
if(data22 > 1 || isNaN(data22)){
const err58 = {instancePath:instancePath+"/warmupRatio",schemaPath:"#/properties/warmupRatio/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1},message:"must be <= 1"};
if(vErrors === null){
vErrors = [err58];
}
else {
vErrors.push(err58);
}
errors++;
}
if(data22 < 0 || isNaN(data22)){
const err59 = {instancePath:instancePath+"/warmupRatio",schemaPath:"#/properties/warmupRatio/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err59];
}
else {
vErrors.push(err59);
}
errors++;
}
}
else {
const err60 = {instancePath:instancePath+"/warmupRatio",schemaPath:"#/properties/warmupRatio/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err60];
}
else {
vErrors.push(err60);
}
errors++;
}
}
if(data.warmupShape !== undefined){
let data23 = data.warmupShape;
if(!((data23 === "linear") || (data23 === "log"))){
const err61 = {instancePath:instancePath+"/warmupShape",schemaPath:"#/properties/warmupShape/enum",keyword:"enum",params:{allowedValues: schema63.properties.warmupShape.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err61];
}
else {
vErrors.push(err61);
}
errors++;
}
}
if(data.adam !== undefined){
let data24 = data.adam;
if(data24 && typeof data24 == "object" && !Array.isArray(data24)){
for(const key3 in data24){
if(!((((key3 === "betas") || (key3 === "eps")) || (key3 === "weightDecay")) || (key3 === "implementation"))){
const err62 = {instancePath:instancePath+"/adam",schemaPath:"#/$defs/adam/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key3},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err62];
}
else {
vErrors.push(err62);
}
errors++;
}
}
if(data24.betas !== undefined){
let data25 = data24.betas;
if(Array.isArray(data25)){
if(data25.length > 2){
const err63 = {instancePath:instancePath+"/adam/betas",schemaPath:"#/$defs/adam/properties/betas/maxItems",keyword:"maxItems",params:{limit: 2},message:"must NOT have more than 2 items"};
if(vErrors === null){
vErrors = [err63];
}
else {
vErrors.push(err63);
}
errors++;
}
if(data25.length < 2){
const err64 = {instancePath:instancePath+"/adam/betas",schemaPath:"#/$defs/adam/properties/betas/minItems",keyword:"minItems",params:{limit: 2},message:"must NOT have fewer than 2 items"};
if(vErrors === null){
vErrors = [err64];
}
else {
vErrors.push(err64);
}
errors++;
}
const len0 = data25.length;
if(len0 > 0){
let data26 = data25[0];
if((typeof data26 == "number") && (isFinite(data26))){
if(data26 < 0 || isNaN(data26)){
const err65 = {instancePath:instancePath+"/adam/betas/0",schemaPath:"#/$defs/adam/properties/betas/prefixItems/0/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err65];
}
else {
vErrors.push(err65);
}
errors++;
}
if(data26 >= 1 || isNaN(data26)){
const err66 = {instancePath:instancePath+"/adam/betas/0",schemaPath:"#/$defs/adam/properties/betas/prefixItems/0/exclusiveMaximum",keyword:"exclusiveMaximum",params:{comparison: "<", limit: 1},message:"must be < 1"};
if(vErrors === null){
vErrors = [err66];
}
else {
vErrors.push(err66);
}
errors++;
}
}
else {
const err67 = {instancePath:instancePath+"/adam/betas/0",schemaPath:"#/$defs/adam/properties/betas/prefixItems/0/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err67];
}
else {
vErrors.push(err67);
}
errors++;
}
}
if(len0 > 1){
let data27 = data25[1];
if((typeof data27 == "number") && (isFinite(data27))){
if(data27 < 0 || isNaN(data27)){
const err68 = {instancePath:instancePath+"/adam/betas/1",schemaPath:"#/$defs/adam/properties/betas/prefixItems/1/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err68];
}
else {
vErrors.push(err68);
}
errors++;
}
if(data27 >= 1 || isNaN(data27)){
const err69 = {instancePath:instancePath+"/adam/betas/1",schemaPath:"#/$defs/adam/properties/betas/prefixItems/1/exclusiveMaximum",keyword:"exclusiveMaximum",params:{comparison: "<", limit: 1},message:"must be < 1"};
if(vErrors === null){
vErrors = [err69];
}
else {
vErrors.push(err69);
}
errors++;
}
}
else {
const err70 = {instancePath:instancePath+"/adam/betas/1",schemaPath:"#/$defs/adam/properties/betas/prefixItems/1/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err70];
}
else {
vErrors.push(err70);
}
errors++;
}
}
}
else {
const err71 = {instancePath:instancePath+"/adam/betas",schemaPath:"#/$defs/adam/properties/betas/type",keyword:"type",params:{type: "array"},message:"must be array"};
if(vErrors === null){
vErrors = [err71];
}
else {
vErrors.push(err71);
}
errors++;
}
}
if(data24.eps !== undefined){
let data28 = data24.eps;
if((typeof data28 == "number") && (isFinite(data28))){
if(data28 <= 0 || isNaN(data28)){
const err72 = {instancePath:instancePath+"/adam/eps",schemaPath:"#/$defs/adam/properties/eps/exclusiveMinimum",keyword:"exclusiveMinimum",params:{comparison: ">", limit: 0},message:"must be > 0"};
if(vErrors === null){
vErrors = [err72];
}
else {
vErrors.push(err72);
}
errors++;
}
}
else {
const err73 = {instancePath:instancePath+"/adam/eps",schemaPath:"#/$defs/adam/properties/eps/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err73];
}
else {
vErrors.push(err73);
}
errors++;
}
}
if(data24.weightDecay !== undefined){
let data29 = data24.weightDecay;
if((typeof data29 == "number") && (isFinite(data29))){
if(data29 < 0 || isNaN(data29)){
const err74 = {instancePath:instancePath+"/adam/weightDecay",schemaPath:"#/$defs/adam/properties/weightDecay/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err74];
}
else {
vErrors.push(err74);
}
errors++;
}
}
else {
const err75 = {instancePath:instancePath+"/adam/weightDecay",schemaPath:"#/$defs/adam/properties/weightDecay/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err75];
}
else {
vErrors.push(err75);
}
errors++;
}
}
if(data24.implementation !== undefined){
let data30 = data24.implementation;
if(!(((data30 === "fused") || (data30 === "foreach")) || (data30 === "for-loop"))){
const err76 = {instancePath:instancePath+"/adam/implementation",schemaPath:"#/$defs/adam/properties/implementation/enum",keyword:"enum",params:{allowedValues: schema65.properties.implementation.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err76];
}
else {
vErrors.push(err76);
}
errors++;
}
}
}
else {
const err77 = {instancePath:instancePath+"/adam",schemaPath:"#/$defs/adam/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err77];
}
else {
vErrors.push(err77);
}
errors++;
}
}
if(data.globalBatchSize !== undefined){
let data31 = data.globalBatchSize;
if(!(((typeof data31 == "number") && (!(data31 % 1) && !isNaN(data31))) && (isFinite(data31)))){
const err78 = {instancePath:instancePath+"/globalBatchSize",schemaPath:"#/properties/globalBatchSize/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err78];
}
else {
vErrors.push(err78);
}
errors++;
}
if((typeof data31 == "number") && (isFinite(data31))){
if(data31 > 1048576 || isNaN(data31)){
const err79 = {instancePath:instancePath+"/globalBatchSize",schemaPath:"#/properties/globalBatchSize/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1048576},message:"must be <= 1048576"};
if(vErrors === null){
vErrors = [err79];
}
else {
vErrors.push(err79);
}
errors++;
}
if(data31 < 1 || isNaN(data31)){
const err80 = {instancePath:instancePath+"/globalBatchSize",schemaPath:"#/properties/globalBatchSize/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err80];
}
else {
vErrors.push(err80);
}
errors++;
}
}
}
if(data.microBatchSize !== undefined){
let data32 = data.microBatchSize;
if(!(((typeof data32 == "number") && (!(data32 % 1) && !isNaN(data32))) && (isFinite(data32)))){
const err81 = {instancePath:instancePath+"/microBatchSize",schemaPath:"#/properties/microBatchSize/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err81];
}
else {
vErrors.push(err81);
}
errors++;
}
if((typeof data32 == "number") && (isFinite(data32))){
if(data32 > 65536 || isNaN(data32)){
const err82 = {instancePath:instancePath+"/microBatchSize",schemaPath:"#/properties/microBatchSize/maximum",keyword:"maximum",params:{comparison: "<=", limit: 65536},message:"must be <= 65536"};
if(vErrors === null){
vErrors = [err82];
}
else {
vErrors.push(err82);
}
errors++;
}
if(data32 < 1 || isNaN(data32)){
const err83 = {instancePath:instancePath+"/microBatchSize",schemaPath:"#/properties/microBatchSize/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err83];
}
else {
vErrors.push(err83);
}
errors++;
}
}
}
if(data.packing !== undefined){
if(typeof data.packing !== "boolean"){
const err84 = {instancePath:instancePath+"/packing",schemaPath:"#/properties/packing/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};
if(vErrors === null){
vErrors = [err84];
}
else {
vErrors.push(err84);
}
errors++;
}
}
if(data.paddingFree !== undefined){
if(typeof data.paddingFree !== "boolean"){
const err85 = {instancePath:instancePath+"/paddingFree",schemaPath:"#/properties/paddingFree/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};
if(vErrors === null){
vErrors = [err85];
}
else {
vErrors.push(err85);
}
errors++;
}
}
if(data.assistantOnlyLoss !== undefined){
if(typeof data.assistantOnlyLoss !== "boolean"){
const err86 = {instancePath:instancePath+"/assistantOnlyLoss",schemaPath:"#/properties/assistantOnlyLoss/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};
if(vErrors === null){
vErrors = [err86];
}
else {
vErrors.push(err86);
}
errors++;
}
}
if(data.maxGradNorm !== undefined){
let data36 = data.maxGradNorm;
if((typeof data36 == "number") && (isFinite(data36))){
if(data36 <= 0 || isNaN(data36)){
const err87 = {instancePath:instancePath+"/maxGradNorm",schemaPath:"#/properties/maxGradNorm/exclusiveMinimum",keyword:"exclusiveMinimum",params:{comparison: ">", limit: 0},message:"must be > 0"};
if(vErrors === null){
vErrors = [err87];
}
else {
vErrors.push(err87);
}
errors++;
}
}
else {
const err88 = {instancePath:instancePath+"/maxGradNorm",schemaPath:"#/properties/maxGradNorm/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err88];
}
else {
vErrors.push(err88);
}
errors++;
}
}
if(data.saveEverySteps !== undefined){
let data37 = data.saveEverySteps;
if(!(((typeof data37 == "number") && (!(data37 % 1) && !isNaN(data37))) && (isFinite(data37)))){
const err89 = {instancePath:instancePath+"/saveEverySteps",schemaPath:"#/properties/saveEverySteps/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err89];
}
else {
vErrors.push(err89);
}
errors++;
}
if((typeof data37 == "number") && (isFinite(data37))){
if(data37 < 1 || isNaN(data37)){
const err90 = {instancePath:instancePath+"/saveEverySteps",schemaPath:"#/properties/saveEverySteps/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err90];
}
else {
vErrors.push(err90);
}
errors++;
}
}
}
}
else {
const err91 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err91];
}
else {
vErrors.push(err91);
}
errors++;
}
validate36.errors = vErrors;
return errors === 0;
}
validate36.evaluated = {"props":true,"dynamicProps":false,"dynamicItems":false};

const schema66 = {"type":"object","description":"Multi-turn PPO with verifier rewards and sequential revision (defaults: the paper's).","additionalProperties":false,"properties":{"init":{"$ref":"#/$defs/checkpointRef","description":"The Init checkpoint (an SFT checkpoint; RL from a model that cannot follow the format fails)."},"updates":{"type":"integer","minimum":1,"maximum":100000000,"default":15,"description":"PPO updates (each: collect a rollout buffer, then optimize). The reference runs 20 for GeneralPoints and 15 for V-IRL (its launch scripts' num_updates)."},"stepsPerUpdate":{"type":"integer","minimum":1,"maximum":100000000,"default":256,"description":"Environment steps (verification attempts) collected per process per update (the reference: 256 on each of 8 processes, its launch scripts' num_steps). Episodes unfinished at the end of an update continue in the next, as in the reference."},"parallelEnvs":{"type":"integer","minimum":1,"maximum":65536,"default":16,"description":"Episodes that advance together: each round generates one answer for each, in generate calls of at most model.generateBatch."},"epochs":{"type":"integer","minimum":1,"maximum":1000,"default":4,"description":"Optimization passes over each rollout buffer."},"miniBatchSize":{"type":"integer","minimum":1,"maximum":65536,"default":128,"description":"Transitions per optimizer step, per process: each epoch takes the rollout in random mini-batches of this many, one Adam step each, averaging their gradient (over every process under DDP). The reference: 128 (grad_accum_steps 128 of a mini-batch of one), so 2 steps per epoch of 256 transitions, 8 per update, each over 1,024 transitions on 8 processes. Must not exceed stepsPerUpdate."},"microBatchSize":{"type":"integer","minimum":1,"maximum":65536,"default":8,"description":"Most transitions per forward/backward pass (a memory knob, not a hyperparameter): a mini-batch's gradient is accumulated over passes of this many, each weighted by its share, so the step is the same as one pass over the whole mini-batch (the reference passes one transition at a time)."},"gamma":{"type":"number","minimum":0,"maximum":1,"default":0.9,"description":"Discount."},"lambda":{"type":"number","minimum":0,"maximum":1,"default":0.95,"description":"GAE lambda."},"clip":{"type":"number","exclusiveMinimum":0,"maximum":10,"default":0.1,"description":"Policy ratio clip."},"ratioGuard":{"type":"number","exclusiveMinimum":1,"default":10,"description":"A transition whose probability ratio (new / rollout policy) exceeds this keeps only the clipped term of the surrogate, so it gives no gradient (the reference's rule, decided per mini-batch of one transition; counted as ppo/ratio_guarded). A very large value turns it off."},"valueClip":{"type":"number","exclusiveMinimum":0,"default":0.1,"description":"Value prediction clip (clipped value loss)."},"valueCoef":{"type":"number","minimum":0,"default":0.5,"description":"Value loss coefficient."},"entropyCoef":{"type":"number","minimum":0,"default":0,"description":"Entropy bonus coefficient (0 in the paper)."},"klCoef":{"type":"number","minimum":0,"default":0,"description":"KL penalty to the Init policy (0: off): klCoef x mean (log pi - log pi_Init)^2 / 2 over the rollout's responses, whose gradient is that of KL(pi || Init)."},"maxGradNorm":{"type":"number","exclusiveMinimum":0,"default":0.01,"description":"Gradient clipping norm."},"learningRate":{"type":"number","exclusiveMinimum":0,"maximum":1,"default":0.000001,"description":"Initial learning rate (the reference: 1e-6, 1e-7 for V-IRL-VL)."},"finalLearningRate":{"type":"number","minimum":0,"maximum":1,"default":1e-9,"description":"The cosine schedule's floor, reached after lrCosineUpdates updates (torch's CosineAnnealingLR eta_min; the reference's end_lr 1e-9)."},"lrCosineUpdates":{"type":"number","exclusiveMinimum":0,"maximum":100000000,"description":"Updates (a whole number or not) over which the learning rate follows the cosine from learningRate down to finalLearningRate: torch's CosineAnnealingLR with T_max = this, stepped once per update, in closed form, so past it the rate rises back to learningRate over as many updates (torch's cosine is periodic). Default: updates, so it reaches finalLearningRate at the end. The reference sets T_max = lr_max_steps (100 for GeneralPoints, 20 for V-IRL), but accelerate steps its scheduler once per process at each update (8 processes), so its cosine spans lr_max_steps / 8 updates: 12.5 of GeneralPoints' 20 (down to 1e-9 by update 12.5, then up again), 2.5 of V-IRL's 15 (three cycles); the paper presets set those."},"adam":{"$ref":"#/$defs/ppoAdam"},"temperature":{"type":"number","exclusiveMinimum":0,"maximum":10,"default":0.2,"description":"Sampling temperature (log-probs use the same scaled logits)."},"maxNewTokens":{"type":"integer","minimum":1,"maximum":65536,"default":512,"description":"Most tokens per response."},"thoughtWeight":{"type":"number","minimum":0,"maximum":1,"default":0.5,"description":"Log-prob weight of tokens before the answer key (`\"formula\":` or `\"action\":`), located by character offsets."},"ratio":{"enum":["sequence","token"],"default":"sequence","description":"`sequence` (the reference): one probability ratio per response, from the sum of its tokens' weighted log-probs, clipped as a whole. `token` (PPO as LLM trainers such as TRL and OpenRLHF run it): a ratio per token, each clipped, the surrogate averaged over the response's tokens with the thought weights. A whole response's ratio leaves the clip range after small per-token changes (0.01 nats over 50 tokens is a ratio of 1.65), so clipping stops most of a small model's learning; per-token clipping bounds each token's change instead."},"oldLogProbs":{"enum":["recompute","sampling"],"default":"recompute","description":"Where the ratio's old log-probs come from. `recompute` (the reference, verl, OpenRLHF): a forward pass of the rollout policy over the rollout before the update. `sampling`: the log-probs the rollout sampled each token with, recorded during generation, which saves that pass (with `advantage: group` and no `klCoef` there is then none: the KL reference's pass runs in the same scoring stage); they equal the recomputed ones up to float rounding when generation and training run the same model in the same precision (fp32 on CPU: about 1e-6, the update's first-step gap metric shows it); in bf16 or with a separate inference engine they differ, which is why the GPU trainers recompute."},"paddingFree":{"type":"boolean","default":false,"description":"Each scoring and training forward reads its micro-batch's sequences end to end in one row, without padding, positions restarting at each sequence, and computes logits at the responses' positions only: the same log-probs, values and gradients as padded rows. It pays with model.attention varlen, flash_attention_2/3 or flex_attention; under SDPA or eager attention the row's mask is dense over the whole micro-batch, slower than padding. Text models only; refused at the start for a model whose decoder would let the row's sequences read one another (as sft.packing)."},"sharedPrefixes":{"type":"boolean","default":false,"description":"Each scoring and training forward reads once the opening that consecutive rows of its micro-batch share (with advantage \"group\", a group's first prompt: the update then keeps each group's episodes together in its mini-batches and micro-batches): one pass over the openings, whose keys and values each row attends to through its mask, then the rows' own tokens. The same log-probs, values and gradients as padded rows, with fewer tokens read (on the demo's GP-L recipe, 2 cores: see README). Text models; local and DDP launches; not with model.gradientCheckpointing or ppo.paddingFree."},"headChunk":{"type":"integer","minimum":0,"maximum":1048576,"default":0,"description":"Response tokens per chunk of the LM head in PPO's scoring and training passes (0: off). Each chunk's logits are made, scored and freed, and backward makes them again, so no (tokens x vocabulary) tensor is kept: at Llama 3.2's 128,256-token vocabulary the one a micro-batch of 8 chats with 2,560 response tokens keeps is 10 GiB. Costs one more LM-head product per chunk in backward. The same log-probs, entropies, values and gradients (tests compare them on each model family's replica, with LoRA, and in DDP, DeepSpeed ZeRO-2 and ZeRO-3 runs; under ZeRO-3 every process makes as many head calls, each a collective gather). Model types llama, qwen2, mllama, qwen2_vl and llava (what the tests run); not under fsdp (not checked)."},"advantage":{"enum":["gae","group"],"default":"gae","description":"`gae` (the paper: value head and GAE) or `group` (GRPO-style: `groupSize` episodes share a seed, and every step of an episode gets its return minus the group's mean return; no value head)."},"groupSize":{"type":"integer","minimum":2,"maximum":65536,"default":4,"description":"With `advantage: group`: episodes per group (same seed, sampled independently); `parallelEnvs` must be a multiple of it."},"groupStd":{"type":"boolean","default":true,"description":"With `advantage: group`: divide by the group's return standard deviation (GRPO); false keeps the plain mean baseline."},"groupCredit":{"enum":["episode","turn"],"default":"episode","description":"With `advantage: group`: `episode` (GRPO): every step of an episode gets the episode's return minus the group's mean return. `turn`: each step (verification attempt) gets its return-to-go, its reward and the later ones, minus the mean return-to-go of the group's episodes at the same turn, so a revision after the verifier's message is judged against the other revisions of the same hand at that turn rather than against first attempts that ended their episodes."},"reward":{"enum":["verifier","outcome"],"default":"verifier","description":"What PPO trains on. `verifier` (the paper's): the verifier's reward of each attempt (+5 solved, -1 wrong value, -2 per wrong number, -3 illegal, ...). `outcome`: 1 for an attempt the verifier accepts (a solved hand, a right V-IRL action), 0 otherwise, so that success alone drives learning rather than the size of the penalties. Episodes, messages and the recorded rewards stay the verifier's."},"rewardScale":{"type":"number","exclusiveMinimum":0,"default":1,"description":"Multiply the rewards PPO trains on by this."},"valueHead":{"type":"object","additionalProperties":false,"properties":{"hidden":{"type":"array","items":{"type":"integer","minimum":1,"maximum":65536},"minItems":1,"default":[1024,512],"description":"Hidden sizes of the value MLP (ReLU) on the last prompt token's final hidden state."}}},"saveEverySteps":{"type":"integer","minimum":1,"description":"Checkpoint every N updates (and always at the end)."}}};
const schema68 = {"type":"object","description":"PPO's optimizer: torch's Adam, as the reference's PPO (torch.optim.Adam, rl/trainer/llama_trainer.py).","additionalProperties":false,"properties":{"betas":{"$ref":"#/$defs/adam/properties/betas","description":"Adam (beta1, beta2); the reference's PPO leaves torch's default (0.9, 0.999).","default":[0.9,0.999]},"eps":{"$ref":"#/$defs/adam/properties/eps"},"weightDecay":{"type":"number","minimum":0,"default":0,"description":"L2 weight decay, torch's Adam's weight_decay: weightDecay x the weight is added to the gradient before Adam's moments (not AdamW's decoupled shrink), as the reference's torch.optim.Adam. 0 in the reference."},"implementation":{"$ref":"#/$defs/adam/properties/implementation"}}};
const schema69 = {"type":"array","prefixItems":[{"type":"number","minimum":0,"exclusiveMaximum":1},{"type":"number","minimum":0,"exclusiveMaximum":1}],"minItems":2,"maxItems":2,"description":"Adam (beta1, beta2); (0.9, 0.98) in the reference's SFT.","default":[0.9,0.98]};
const schema70 = {"type":"number","exclusiveMinimum":0,"description":"Adam epsilon (1e-7 in the reference recipe).","default":1e-7};
const schema71 = {"enum":["fused","foreach","for-loop"],"default":"fused","description":"PyTorch's Adam kernel (the same update up to float rounding; a test compares SFT losses). `fused`: one kernel over every parameter (transformers' Trainer default since torch 2.8; no temporaries). `foreach`: torch's multi-tensor kernels (its default on CUDA). `for-loop`: a parameter at a time (its default on CPU). On the project's 2-core CPU the fused step is several times faster than the for-loop (README, Speed options)."};

function validate39(data, {instancePath="", parentData, parentDataProperty, rootData=data, dynamicAnchors={}}={}){
let vErrors = null;
let errors = 0;
const evaluated0 = validate39.evaluated;
if(evaluated0.dynamicProps){
evaluated0.props = undefined;
}
if(evaluated0.dynamicItems){
evaluated0.items = undefined;
}
if(data && typeof data == "object" && !Array.isArray(data)){
for(const key0 in data){
if(!((((key0 === "betas") || (key0 === "eps")) || (key0 === "weightDecay")) || (key0 === "implementation"))){
const err0 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
}
if(data.betas !== undefined){
let data0 = data.betas;
if(Array.isArray(data0)){
if(data0.length > 2){
const err1 = {instancePath:instancePath+"/betas",schemaPath:"#/$defs/adam/properties/betas/maxItems",keyword:"maxItems",params:{limit: 2},message:"must NOT have more than 2 items"};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
if(data0.length < 2){
const err2 = {instancePath:instancePath+"/betas",schemaPath:"#/$defs/adam/properties/betas/minItems",keyword:"minItems",params:{limit: 2},message:"must NOT have fewer than 2 items"};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
const len0 = data0.length;
if(len0 > 0){
let data1 = data0[0];
if((typeof data1 == "number") && (isFinite(data1))){
if(data1 < 0 || isNaN(data1)){
const err3 = {instancePath:instancePath+"/betas/0",schemaPath:"#/$defs/adam/properties/betas/prefixItems/0/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
if(data1 >= 1 || isNaN(data1)){
const err4 = {instancePath:instancePath+"/betas/0",schemaPath:"#/$defs/adam/properties/betas/prefixItems/0/exclusiveMaximum",keyword:"exclusiveMaximum",params:{comparison: "<", limit: 1},message:"must be < 1"};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
}
else {
const err5 = {instancePath:instancePath+"/betas/0",schemaPath:"#/$defs/adam/properties/betas/prefixItems/0/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
}
if(len0 > 1){
let data2 = data0[1];
if((typeof data2 == "number") && (isFinite(data2))){
if(data2 < 0 || isNaN(data2)){
const err6 = {instancePath:instancePath+"/betas/1",schemaPath:"#/$defs/adam/properties/betas/prefixItems/1/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
if(data2 >= 1 || isNaN(data2)){
const err7 = {instancePath:instancePath+"/betas/1",schemaPath:"#/$defs/adam/properties/betas/prefixItems/1/exclusiveMaximum",keyword:"exclusiveMaximum",params:{comparison: "<", limit: 1},message:"must be < 1"};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
}
else {
const err8 = {instancePath:instancePath+"/betas/1",schemaPath:"#/$defs/adam/properties/betas/prefixItems/1/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
}
}
else {
const err9 = {instancePath:instancePath+"/betas",schemaPath:"#/$defs/adam/properties/betas/type",keyword:"type",params:{type: "array"},message:"must be array"};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
}
if(data.eps !== undefined){
let data3 = data.eps;
if((typeof data3 == "number") && (isFinite(data3))){
if(data3 <= 0 || isNaN(data3)){
const err10 = {instancePath:instancePath+"/eps",schemaPath:"#/$defs/adam/properties/eps/exclusiveMinimum",keyword:"exclusiveMinimum",params:{comparison: ">", limit: 0},message:"must be > 0"};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
}
else {
const err11 = {instancePath:instancePath+"/eps",schemaPath:"#/$defs/adam/properties/eps/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
}
if(data.weightDecay !== undefined){
let data4 = data.weightDecay;
if((typeof data4 == "number") && (isFinite(data4))){
if(data4 < 0 || isNaN(data4)){
const err12 = {instancePath:instancePath+"/weightDecay",schemaPath:"#/properties/weightDecay/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
}
else {
const err13 = {instancePath:instancePath+"/weightDecay",schemaPath:"#/properties/weightDecay/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
}
if(data.implementation !== undefined){
let data5 = data.implementation;
if(!(((data5 === "fused") || (data5 === "foreach")) || (data5 === "for-loop"))){
const err14 = {instancePath:instancePath+"/implementation",schemaPath:"#/$defs/adam/properties/implementation/enum",keyword:"enum",params:{allowedValues: schema71.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
}
}
else {
const err15 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
validate39.errors = vErrors;
return errors === 0;
}
validate39.evaluated = {"props":true,"dynamicProps":false,"dynamicItems":false};


function validate38(data, {instancePath="", parentData, parentDataProperty, rootData=data, dynamicAnchors={}}={}){
let vErrors = null;
let errors = 0;
const evaluated0 = validate38.evaluated;
if(evaluated0.dynamicProps){
evaluated0.props = undefined;
}
if(evaluated0.dynamicItems){
evaluated0.items = undefined;
}
if(data && typeof data == "object" && !Array.isArray(data)){
for(const key0 in data){
if(!(func1.call(schema66.properties, key0))){
const err0 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
}
if(data.init !== undefined){
let data0 = data.init;
if(typeof data0 === "string"){
if(func2(data0) < 1){
const err1 = {instancePath:instancePath+"/init",schemaPath:"#/$defs/checkpointRef/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
}
else {
const err2 = {instancePath:instancePath+"/init",schemaPath:"#/$defs/checkpointRef/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
}
if(data.updates !== undefined){
let data1 = data.updates;
if(!(((typeof data1 == "number") && (!(data1 % 1) && !isNaN(data1))) && (isFinite(data1)))){
const err3 = {instancePath:instancePath+"/updates",schemaPath:"#/properties/updates/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
if((typeof data1 == "number") && (isFinite(data1))){
if(data1 > 100000000 || isNaN(data1)){
const err4 = {instancePath:instancePath+"/updates",schemaPath:"#/properties/updates/maximum",keyword:"maximum",params:{comparison: "<=", limit: 100000000},message:"must be <= 100000000"};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
if(data1 < 1 || isNaN(data1)){
const err5 = {instancePath:instancePath+"/updates",schemaPath:"#/properties/updates/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
}
}
if(data.stepsPerUpdate !== undefined){
let data2 = data.stepsPerUpdate;
if(!(((typeof data2 == "number") && (!(data2 % 1) && !isNaN(data2))) && (isFinite(data2)))){
const err6 = {instancePath:instancePath+"/stepsPerUpdate",schemaPath:"#/properties/stepsPerUpdate/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
if((typeof data2 == "number") && (isFinite(data2))){
if(data2 > 100000000 || isNaN(data2)){
const err7 = {instancePath:instancePath+"/stepsPerUpdate",schemaPath:"#/properties/stepsPerUpdate/maximum",keyword:"maximum",params:{comparison: "<=", limit: 100000000},message:"must be <= 100000000"};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
if(data2 < 1 || isNaN(data2)){
const err8 = {instancePath:instancePath+"/stepsPerUpdate",schemaPath:"#/properties/stepsPerUpdate/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
}
}
if(data.parallelEnvs !== undefined){
let data3 = data.parallelEnvs;
if(!(((typeof data3 == "number") && (!(data3 % 1) && !isNaN(data3))) && (isFinite(data3)))){
const err9 = {instancePath:instancePath+"/parallelEnvs",schemaPath:"#/properties/parallelEnvs/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
if((typeof data3 == "number") && (isFinite(data3))){
if(data3 > 65536 || isNaN(data3)){
const err10 = {instancePath:instancePath+"/parallelEnvs",schemaPath:"#/properties/parallelEnvs/maximum",keyword:"maximum",params:{comparison: "<=", limit: 65536},message:"must be <= 65536"};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
if(data3 < 1 || isNaN(data3)){
const err11 = {instancePath:instancePath+"/parallelEnvs",schemaPath:"#/properties/parallelEnvs/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
}
}
if(data.epochs !== undefined){
let data4 = data.epochs;
if(!(((typeof data4 == "number") && (!(data4 % 1) && !isNaN(data4))) && (isFinite(data4)))){
const err12 = {instancePath:instancePath+"/epochs",schemaPath:"#/properties/epochs/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
if((typeof data4 == "number") && (isFinite(data4))){
if(data4 > 1000 || isNaN(data4)){
const err13 = {instancePath:instancePath+"/epochs",schemaPath:"#/properties/epochs/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1000},message:"must be <= 1000"};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
if(data4 < 1 || isNaN(data4)){
const err14 = {instancePath:instancePath+"/epochs",schemaPath:"#/properties/epochs/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
}
}
if(data.miniBatchSize !== undefined){
let data5 = data.miniBatchSize;
if(!(((typeof data5 == "number") && (!(data5 % 1) && !isNaN(data5))) && (isFinite(data5)))){
const err15 = {instancePath:instancePath+"/miniBatchSize",schemaPath:"#/properties/miniBatchSize/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
if((typeof data5 == "number") && (isFinite(data5))){
if(data5 > 65536 || isNaN(data5)){
const err16 = {instancePath:instancePath+"/miniBatchSize",schemaPath:"#/properties/miniBatchSize/maximum",keyword:"maximum",params:{comparison: "<=", limit: 65536},message:"must be <= 65536"};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
if(data5 < 1 || isNaN(data5)){
const err17 = {instancePath:instancePath+"/miniBatchSize",schemaPath:"#/properties/miniBatchSize/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
}
}
if(data.microBatchSize !== undefined){
let data6 = data.microBatchSize;
if(!(((typeof data6 == "number") && (!(data6 % 1) && !isNaN(data6))) && (isFinite(data6)))){
const err18 = {instancePath:instancePath+"/microBatchSize",schemaPath:"#/properties/microBatchSize/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
if((typeof data6 == "number") && (isFinite(data6))){
if(data6 > 65536 || isNaN(data6)){
const err19 = {instancePath:instancePath+"/microBatchSize",schemaPath:"#/properties/microBatchSize/maximum",keyword:"maximum",params:{comparison: "<=", limit: 65536},message:"must be <= 65536"};
if(vErrors === null){
vErrors = [err19];
}
else {
vErrors.push(err19);
}
errors++;
}
if(data6 < 1 || isNaN(data6)){
const err20 = {instancePath:instancePath+"/microBatchSize",schemaPath:"#/properties/microBatchSize/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err20];
}
else {
vErrors.push(err20);
}
errors++;
}
}
}
if(data.gamma !== undefined){
let data7 = data.gamma;
if((typeof data7 == "number") && (isFinite(data7))){
if(data7 > 1 || isNaN(data7)){
const err21 = {instancePath:instancePath+"/gamma",schemaPath:"#/properties/gamma/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1},message:"must be <= 1"};
if(vErrors === null){
vErrors = [err21];
}
else {
vErrors.push(err21);
}
errors++;
}
if(data7 < 0 || isNaN(data7)){
const err22 = {instancePath:instancePath+"/gamma",schemaPath:"#/properties/gamma/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err22];
}
else {
vErrors.push(err22);
}
errors++;
}
}
else {
const err23 = {instancePath:instancePath+"/gamma",schemaPath:"#/properties/gamma/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err23];
}
else {
vErrors.push(err23);
}
errors++;
}
}
if(data.lambda !== undefined){
let data8 = data.lambda;
if((typeof data8 == "number") && (isFinite(data8))){
if(data8 > 1 || isNaN(data8)){
const err24 = {instancePath:instancePath+"/lambda",schemaPath:"#/properties/lambda/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1},message:"must be <= 1"};
if(vErrors === null){
vErrors = [err24];
}
else {
vErrors.push(err24);
}
errors++;
}
if(data8 < 0 || isNaN(data8)){
const err25 = {instancePath:instancePath+"/lambda",schemaPath:"#/properties/lambda/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err25];
}
else {
vErrors.push(err25);
}
errors++;
}
}
else {
const err26 = {instancePath:instancePath+"/lambda",schemaPath:"#/properties/lambda/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err26];
}
else {
vErrors.push(err26);
}
errors++;
}
}
if(data.clip !== undefined){
let data9 = data.clip;
if((typeof data9 == "number") && (isFinite(data9))){
if(data9 > 10 || isNaN(data9)){
const err27 = {instancePath:instancePath+"/clip",schemaPath:"#/properties/clip/maximum",keyword:"maximum",params:{comparison: "<=", limit: 10},message:"must be <= 10"};
if(vErrors === null){
vErrors = [err27];
}
else {
vErrors.push(err27);
}
errors++;
}
if(data9 <= 0 || isNaN(data9)){
const err28 = {instancePath:instancePath+"/clip",schemaPath:"#/properties/clip/exclusiveMinimum",keyword:"exclusiveMinimum",params:{comparison: ">", limit: 0},message:"must be > 0"};
if(vErrors === null){
vErrors = [err28];
}
else {
vErrors.push(err28);
}
errors++;
}
}
else {
const err29 = {instancePath:instancePath+"/clip",schemaPath:"#/properties/clip/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err29];
}
else {
vErrors.push(err29);
}
errors++;
}
}
if(data.ratioGuard !== undefined){
let data10 = data.ratioGuard;
if((typeof data10 == "number") && (isFinite(data10))){
if(data10 <= 1 || isNaN(data10)){
const err30 = {instancePath:instancePath+"/ratioGuard",schemaPath:"#/properties/ratioGuard/exclusiveMinimum",keyword:"exclusiveMinimum",params:{comparison: ">", limit: 1},message:"must be > 1"};
if(vErrors === null){
vErrors = [err30];
}
else {
vErrors.push(err30);
}
errors++;
}
}
else {
const err31 = {instancePath:instancePath+"/ratioGuard",schemaPath:"#/properties/ratioGuard/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err31];
}
else {
vErrors.push(err31);
}
errors++;
}
}
if(data.valueClip !== undefined){
let data11 = data.valueClip;
if((typeof data11 == "number") && (isFinite(data11))){
if(data11 <= 0 || isNaN(data11)){
const err32 = {instancePath:instancePath+"/valueClip",schemaPath:"#/properties/valueClip/exclusiveMinimum",keyword:"exclusiveMinimum",params:{comparison: ">", limit: 0},message:"must be > 0"};
if(vErrors === null){
vErrors = [err32];
}
else {
vErrors.push(err32);
}
errors++;
}
}
else {
const err33 = {instancePath:instancePath+"/valueClip",schemaPath:"#/properties/valueClip/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err33];
}
else {
vErrors.push(err33);
}
errors++;
}
}
if(data.valueCoef !== undefined){
let data12 = data.valueCoef;
if((typeof data12 == "number") && (isFinite(data12))){
if(data12 < 0 || isNaN(data12)){
const err34 = {instancePath:instancePath+"/valueCoef",schemaPath:"#/properties/valueCoef/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err34];
}
else {
vErrors.push(err34);
}
errors++;
}
}
else {
const err35 = {instancePath:instancePath+"/valueCoef",schemaPath:"#/properties/valueCoef/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err35];
}
else {
vErrors.push(err35);
}
errors++;
}
}
if(data.entropyCoef !== undefined){
let data13 = data.entropyCoef;
if((typeof data13 == "number") && (isFinite(data13))){
if(data13 < 0 || isNaN(data13)){
const err36 = {instancePath:instancePath+"/entropyCoef",schemaPath:"#/properties/entropyCoef/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err36];
}
else {
vErrors.push(err36);
}
errors++;
}
}
else {
const err37 = {instancePath:instancePath+"/entropyCoef",schemaPath:"#/properties/entropyCoef/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err37];
}
else {
vErrors.push(err37);
}
errors++;
}
}
if(data.klCoef !== undefined){
let data14 = data.klCoef;
if((typeof data14 == "number") && (isFinite(data14))){
if(data14 < 0 || isNaN(data14)){
const err38 = {instancePath:instancePath+"/klCoef",schemaPath:"#/properties/klCoef/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err38];
}
else {
vErrors.push(err38);
}
errors++;
}
}
else {
const err39 = {instancePath:instancePath+"/klCoef",schemaPath:"#/properties/klCoef/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err39];
}
else {
vErrors.push(err39);
}
errors++;
}
}
if(data.maxGradNorm !== undefined){
let data15 = data.maxGradNorm;
if((typeof data15 == "number") && (isFinite(data15))){
if(data15 <= 0 || isNaN(data15)){
const err40 = {instancePath:instancePath+"/maxGradNorm",schemaPath:"#/properties/maxGradNorm/exclusiveMinimum",keyword:"exclusiveMinimum",params:{comparison: ">", limit: 0},message:"must be > 0"};
if(vErrors === null){
vErrors = [err40];
}
else {
vErrors.push(err40);
}
errors++;
}
}
else {
const err41 = {instancePath:instancePath+"/maxGradNorm",schemaPath:"#/properties/maxGradNorm/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err41];
}
else {
vErrors.push(err41);
}
errors++;
}
}
if(data.learningRate !== undefined){
let data16 = data.learningRate;
if((typeof data16 == "number") && (isFinite(data16))){
if(data16 > 1 || isNaN(data16)){
const err42 = {instancePath:instancePath+"/learningRate",schemaPath:"#/properties/learningRate/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1},message:"must be <= 1"};
if(vErrors === null){
vErrors = [err42];
}
else {
vErrors.push(err42);
}
errors++;
}
if(data16 <= 0 || isNaN(data16)){
const err43 = {instancePath:instancePath+"/learningRate",schemaPath:"#/properties/learningRate/exclusiveMinimum",keyword:"exclusiveMinimum",params:{comparison: ">", limit: 0},message:"must be > 0"};
if(vErrors === null){
vErrors = [err43];
}
else {
vErrors.push(err43);
}
errors++;
}
}
else {
const err44 = {instancePath:instancePath+"/learningRate",schemaPath:"#/properties/learningRate/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err44];
}
else {
vErrors.push(err44);
}
errors++;
}
}
if(data.finalLearningRate !== undefined){
let data17 = data.finalLearningRate;
if((typeof data17 == "number") && (isFinite(data17))){
if(data17 > 1 || isNaN(data17)){
const err45 = {instancePath:instancePath+"/finalLearningRate",schemaPath:"#/properties/finalLearningRate/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1},message:"must be <= 1"};
if(vErrors === null){
vErrors = [err45];
}
else {
vErrors.push(err45);
}
errors++;
}
if(data17 < 0 || isNaN(data17)){
const err46 = {instancePath:instancePath+"/finalLearningRate",schemaPath:"#/properties/finalLearningRate/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err46];
}
else {
vErrors.push(err46);
}
errors++;
}
}
else {
const err47 = {instancePath:instancePath+"/finalLearningRate",schemaPath:"#/properties/finalLearningRate/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err47];
}
else {
vErrors.push(err47);
}
errors++;
}
}
if(data.lrCosineUpdates !== undefined){
let data18 = data.lrCosineUpdates;
if((typeof data18 == "number") && (isFinite(data18))){
if(data18 > 100000000 || isNaN(data18)){
const err48 = {instancePath:instancePath+"/lrCosineUpdates",schemaPath:"#/properties/lrCosineUpdates/maximum",keyword:"maximum",params:{comparison: "<=", limit: 100000000},message:"must be <= 100000000"};
if(vErrors === null){
vErrors = [err48];
}
else {
vErrors.push(err48);
}
errors++;
}
if(data18 <= 0 || isNaN(data18)){
const err49 = {instancePath:instancePath+"/lrCosineUpdates",schemaPath:"#/properties/lrCosineUpdates/exclusiveMinimum",keyword:"exclusiveMinimum",params:{comparison: ">", limit: 0},message:"must be > 0"};
if(vErrors === null){
vErrors = [err49];
}
else {
vErrors.push(err49);
}
errors++;
}
}
else {
const err50 = {instancePath:instancePath+"/lrCosineUpdates",schemaPath:"#/properties/lrCosineUpdates/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err50];
}
else {
vErrors.push(err50);
}
errors++;
}
}
if(data.adam !== undefined){
if(!(validate39(data.adam, {instancePath:instancePath+"/adam",parentData:data,parentDataProperty:"adam",rootData,dynamicAnchors}))){
vErrors = vErrors === null ? validate39.errors : vErrors.concat(validate39.errors);
errors = vErrors.length;
}
}
if(data.temperature !== undefined){
let data20 = data.temperature;
if((typeof data20 == "number") && (isFinite(data20))){
if(data20 > 10 || isNaN(data20)){
const err51 = {instancePath:instancePath+"/temperature",schemaPath:"#/properties/temperature/maximum",keyword:"maximum",params:{comparison: "<=", limit: 10},message:"must be <= 10"};
if(vErrors === null){
vErrors = [err51];
}
else {
vErrors.push(err51);
}
errors++;
}
if(data20 <= 0 || isNaN(data20)){
const err52 = {instancePath:instancePath+"/temperature",schemaPath:"#/properties/temperature/exclusiveMinimum",keyword:"exclusiveMinimum",params:{comparison: ">", limit: 0},message:"must be > 0"};
if(vErrors === null){
vErrors = [err52];
}
else {
vErrors.push(err52);
}
errors++;
}
}
else {
const err53 = {instancePath:instancePath+"/temperature",schemaPath:"#/properties/temperature/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err53];
}
else {
vErrors.push(err53);
}
errors++;
}
}
if(data.maxNewTokens !== undefined){
let data21 = data.maxNewTokens;
if(!(((typeof data21 == "number") && (!(data21 % 1) && !isNaN(data21))) && (isFinite(data21)))){
const err54 = {instancePath:instancePath+"/maxNewTokens",schemaPath:"#/properties/maxNewTokens/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err54];
}
else {
vErrors.push(err54);
}
errors++;
}
if((typeof data21 == "number") && (isFinite(data21))){
if(data21 > 65536 || isNaN(data21)){
const err55 = {instancePath:instancePath+"/maxNewTokens",schemaPath:"#/properties/maxNewTokens/maximum",keyword:"maximum",params:{comparison: "<=", limit: 65536},message:"must be <= 65536"};
if(vErrors === null){
vErrors = [err55];
}
else {
vErrors.push(err55);
}
errors++;
}
if(data21 < 1 || isNaN(data21)){
const err56 = {instancePath:instancePath+"/maxNewTokens",schemaPath:"#/properties/maxNewTokens/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err56];
}
else {
vErrors.push(err56);
}
errors++;
}
}
}
if(data.thoughtWeight !== undefined){
let data22 = data.thoughtWeight;
if((typeof data22 == "number") && (isFinite(data22))){
if(data22 > 1 || isNaN(data22)){
const err57 = {instancePath:instancePath+"/thoughtWeight",schemaPath:"#/properties/thoughtWeight/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1},message:"must be <= 1"};
if(vErrors === null){
vErrors = [err57];
}
else {
vErrors.push(err57);
}
errors++;
}
if(data22 < 0 || isNaN(data22)){
const err58 = {instancePath:instancePath+"/thoughtWeight",schemaPath:"#/properties/thoughtWeight/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err58];
}
else {
vErrors.push(err58);
}
errors++;
}
}
else {
const err59 = {instancePath:instancePath+"/thoughtWeight",schemaPath:"#/properties/thoughtWeight/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err59];
}
else {
vErrors.push(err59);
}
errors++;
}
}
if(data.ratio !== undefined){
let data23 = data.ratio;
if(!((data23 === "sequence") || (data23 === "token"))){
const err60 = {instancePath:instancePath+"/ratio",schemaPath:"#/properties/ratio/enum",keyword:"enum",params:{allowedValues: schema66.properties.ratio.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err60];
}
else {
vErrors.push(err60);
}
errors++;
}
}
if(data.oldLogProbs !== undefined){
let data24 = data.oldLogProbs;
if(!((data24 === "recompute") || (data24 === "sampling"))){
const err61 = {instancePath:instancePath+"/oldLogProbs",schemaPath:"#/properties/oldLogProbs/enum",keyword:"enum",params:{allowedValues: schema66.properties.oldLogProbs.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err61];
}
else {
vErrors.push(err61);
}
errors++;
}
}
if(data.paddingFree !== undefined){
if(typeof data.paddingFree !== "boolean"){
const err62 = {instancePath:instancePath+"/paddingFree",schemaPath:"#/properties/paddingFree/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};
if(vErrors === null){
vErrors = [err62];
}
else {
vErrors.push(err62);
}
errors++;
}
}
if(data.sharedPrefixes !== undefined){
if(typeof data.sharedPrefixes !== "boolean"){
const err63 = {instancePath:instancePath+"/sharedPrefixes",schemaPath:"#/properties/sharedPrefixes/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};
if(vErrors === null){
vErrors = [err63];
}
else {
vErrors.push(err63);
}
errors++;
}
}
if(data.headChunk !== undefined){
let data27 = data.headChunk;
if(!(((typeof data27 == "number") && (!(data27 % 1) && !isNaN(data27))) && (isFinite(data27)))){
const err64 = {instancePath:instancePath+"/headChunk",schemaPath:"#/properties/headChunk/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err64];
}
else {
vErrors.push(err64);
}
errors++;
}
if((typeof data27 == "number") && (isFinite(data27))){
if(data27 > 1048576 || isNaN(data27)){
const err65 = {instancePath:instancePath+"/headChunk",schemaPath:"#/properties/headChunk/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1048576},message:"must be <= 1048576"};
if(vErrors === null){
vErrors = [err65];
}
else {
vErrors.push(err65);
}
errors++;
}
if(data27 < 0 || isNaN(data27)){
const err66 = {instancePath:instancePath+"/headChunk",schemaPath:"#/properties/headChunk/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err66];
}
else {
vErrors.push(err66);
}
errors++;
}
}
}
if(data.advantage !== undefined){
let data28 = data.advantage;
if(!((data28 === "gae") || (data28 === "group"))){
const err67 = {instancePath:instancePath+"/advantage",schemaPath:"#/properties/advantage/enum",keyword:"enum",params:{allowedValues: schema66.properties.advantage.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err67];
}
else {
vErrors.push(err67);
}
errors++;
}
}
if(data.groupSize !== undefined){
let data29 = data.groupSize;
if(!(((typeof data29 == "number") && (!(data29 % 1) && !isNaN(data29))) && (isFinite(data29)))){
const err68 = {instancePath:instancePath+"/groupSize",schemaPath:"#/properties/groupSize/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err68];
}
else {
vErrors.push(err68);
}
errors++;
}
if((typeof data29 == "number") && (isFinite(data29))){
if(data29 > 65536 || isNaN(data29)){
const err69 = {instancePath:instancePath+"/groupSize",schemaPath:"#/properties/groupSize/maximum",keyword:"maximum",params:{comparison: "<=", limit: 65536},message:"must be <= 65536"};
if(vErrors === null){
vErrors = [err69];
}
else {
vErrors.push(err69);
}
errors++;
}
if(data29 < 2 || isNaN(data29)){
const err70 = {instancePath:instancePath+"/groupSize",schemaPath:"#/properties/groupSize/minimum",keyword:"minimum",params:{comparison: ">=", limit: 2},message:"must be >= 2"};
if(vErrors === null){
vErrors = [err70];
}
else {
vErrors.push(err70);
}
errors++;
}
}
}
if(data.groupStd !== undefined){
if(typeof data.groupStd !== "boolean"){
const err71 = {instancePath:instancePath+"/groupStd",schemaPath:"#/properties/groupStd/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};
if(vErrors === null){
vErrors = [err71];
}
else {
vErrors.push(err71);
}
errors++;
}
}
if(data.groupCredit !== undefined){
let data31 = data.groupCredit;
if(!((data31 === "episode") || (data31 === "turn"))){
const err72 = {instancePath:instancePath+"/groupCredit",schemaPath:"#/properties/groupCredit/enum",keyword:"enum",params:{allowedValues: schema66.properties.groupCredit.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err72];
}
else {
vErrors.push(err72);
}
errors++;
}
}
if(data.reward !== undefined){
let data32 = data.reward;
if(!((data32 === "verifier") || (data32 === "outcome"))){
const err73 = {instancePath:instancePath+"/reward",schemaPath:"#/properties/reward/enum",keyword:"enum",params:{allowedValues: schema66.properties.reward.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err73];
}
else {
vErrors.push(err73);
}
errors++;
}
}
if(data.rewardScale !== undefined){
let data33 = data.rewardScale;
if((typeof data33 == "number") && (isFinite(data33))){
if(data33 <= 0 || isNaN(data33)){
const err74 = {instancePath:instancePath+"/rewardScale",schemaPath:"#/properties/rewardScale/exclusiveMinimum",keyword:"exclusiveMinimum",params:{comparison: ">", limit: 0},message:"must be > 0"};
if(vErrors === null){
vErrors = [err74];
}
else {
vErrors.push(err74);
}
errors++;
}
}
else {
const err75 = {instancePath:instancePath+"/rewardScale",schemaPath:"#/properties/rewardScale/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err75];
}
else {
vErrors.push(err75);
}
errors++;
}
}
if(data.valueHead !== undefined){
let data34 = data.valueHead;
if(data34 && typeof data34 == "object" && !Array.isArray(data34)){
for(const key1 in data34){
if(!(key1 === "hidden")){
const err76 = {instancePath:instancePath+"/valueHead",schemaPath:"#/properties/valueHead/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err76];
}
else {
vErrors.push(err76);
}
errors++;
}
}
if(data34.hidden !== undefined){
let data35 = data34.hidden;
if(Array.isArray(data35)){
if(data35.length < 1){
const err77 = {instancePath:instancePath+"/valueHead/hidden",schemaPath:"#/properties/valueHead/properties/hidden/minItems",keyword:"minItems",params:{limit: 1},message:"must NOT have fewer than 1 items"};
if(vErrors === null){
vErrors = [err77];
}
else {
vErrors.push(err77);
}
errors++;
}
const len0 = data35.length;
for(let i0=0; i0<len0; i0++){
let data36 = data35[i0];
if(!(((typeof data36 == "number") && (!(data36 % 1) && !isNaN(data36))) && (isFinite(data36)))){
const err78 = {instancePath:instancePath+"/valueHead/hidden/" + i0,schemaPath:"#/properties/valueHead/properties/hidden/items/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err78];
}
else {
vErrors.push(err78);
}
errors++;
}
if((typeof data36 == "number") && (isFinite(data36))){
if(data36 > 65536 || isNaN(data36)){
const err79 = {instancePath:instancePath+"/valueHead/hidden/" + i0,schemaPath:"#/properties/valueHead/properties/hidden/items/maximum",keyword:"maximum",params:{comparison: "<=", limit: 65536},message:"must be <= 65536"};
if(vErrors === null){
vErrors = [err79];
}
else {
vErrors.push(err79);
}
errors++;
}
if(data36 < 1 || isNaN(data36)){
const err80 = {instancePath:instancePath+"/valueHead/hidden/" + i0,schemaPath:"#/properties/valueHead/properties/hidden/items/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err80];
}
else {
vErrors.push(err80);
}
errors++;
}
}
}
}
else {
const err81 = {instancePath:instancePath+"/valueHead/hidden",schemaPath:"#/properties/valueHead/properties/hidden/type",keyword:"type",params:{type: "array"},message:"must be array"};
if(vErrors === null){
vErrors = [err81];
}
else {
vErrors.push(err81);
}
errors++;
}
}
}
else {
const err82 = {instancePath:instancePath+"/valueHead",schemaPath:"#/properties/valueHead/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err82];
}
else {
vErrors.push(err82);
}
errors++;
}
}
if(data.saveEverySteps !== undefined){
let data37 = data.saveEverySteps;
if(!(((typeof data37 == "number") && (!(data37 % 1) && !isNaN(data37))) && (isFinite(data37)))){
const err83 = {instancePath:instancePath+"/saveEverySteps",schemaPath:"#/properties/saveEverySteps/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err83];
}
else {
vErrors.push(err83);
}
errors++;
}
if((typeof data37 == "number") && (isFinite(data37))){
if(data37 < 1 || isNaN(data37)){
const err84 = {instancePath:instancePath+"/saveEverySteps",schemaPath:"#/properties/saveEverySteps/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err84];
}
else {
vErrors.push(err84);
}
errors++;
}
}
}
}
else {
const err85 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err85];
}
else {
vErrors.push(err85);
}
errors++;
}
validate38.errors = vErrors;
return errors === 0;
}
validate38.evaluated = {"props":true,"dynamicProps":false,"dynamicItems":false};

const schema72 = {"type":"object","description":"Which splits to evaluate, on what schedule.","required":["splits"],"additionalProperties":false,"properties":{"splits":{"type":"array","items":{"$ref":"#/$defs/split"},"minItems":1,"description":"Evaluation splits: one `id` split (the training variant) and the OOD variants."},"everySteps":{"type":"integer","minimum":1,"description":"Evaluate every N training steps (SFT optimizer steps or PPO updates)."},"atCheckpoints":{"type":"boolean","default":true,"description":"Evaluate step 0 (Init, where every curve starts), every checkpoint saved every sft.saveEverySteps / ppo.saveEverySteps and the final one, each once (a checkpoint written on cancel is not on the schedule)."},"atStart":{"type":"boolean","default":true,"description":"Evaluate step 0 (Init) when the schedule includes it. false: another run from the same Init evaluates it on the same splits and seeds (a study's SFT arm, say), so Init is evaluated once; the paper view and `ptlab report` start this run's curves at that run's Init point."},"seed":{"type":"integer","minimum":0,"maximum":4294967295,"default":1234,"description":"Episode seed base: episode i of a split uses seed + i, so every checkpoint sees the same episodes."},"temperature":{"type":"number","minimum":0,"maximum":10,"default":0,"description":"Sampling temperature at evaluation (0: greedy). Ignored with `sampling: model-defaults`."},"topP":{"type":"number","exclusiveMinimum":0,"maximum":1,"default":1,"description":"Nucleus sampling at evaluation when temperature > 0 (1: off; no top-k cut either). Ignored with `sampling: model-defaults`."},"sampling":{"enum":["configured","model-defaults"],"default":"configured","description":"`configured`: temperature and topP above, and nothing else (the checkpoint's top_k, repetition penalty and other processors are set aside). `model-defaults`: decode as the checkpoint's generation_config.json says (do_sample, temperature, top_p, top_k), what it leaves unset at transformers' defaults as generate fills them (top_k 50 where it sets none), as the reference's evaluation does: it passes only max_new_tokens (256) to generate, so Llama-3.2-Vision samples with its shipped defaults (temperature 0.6, top_p 0.9) and generate's top_k 50. Either way a sampled token draws from its answer's own key (evaluation seed, split, episode, attempt), not from a process's random stream: the answers do not depend on model.generateBatch or on the number of processes (except under model.kvCache `paged`, whose continuous batching samples itself). The eval-summary and run manifest state what was used."},"maxNewTokens":{"type":"integer","minimum":1,"maximum":65536,"default":512,"description":"Most tokens per response."}}};
const schema73 = {"type":"object","required":["name","kind","episodes"],"additionalProperties":false,"properties":{"name":{"type":"string","pattern":"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$","description":"Split name used in records and curves, e.g. `id`, `ood-rule`, `ood-visual`."},"kind":{"enum":["id","rule-ood","visual-ood"],"description":"In-distribution (the training variant), rule OOD (held-out rule) or visual OOD (held-out look)."},"episodes":{"type":"integer","minimum":1,"maximum":1000000,"description":"Seeded episodes evaluated per point (234 for GeneralPoints, 48 or 18 for V-IRL in the paper)."},"overrides":{"$ref":"#/$defs/environmentOverrides"},"recognition":{"type":"boolean","default":false,"description":"Vision only: marks a split that measures card recognition. Every vision split's records report recognition accuracy (the fraction of attempts whose cards were recognized); the reference's recognition evaluation plays one attempt without verification, which a split gets with `\"maxVerify\": 1` in its overrides (as the GP-VL presets do)."},"eachRouteOnce":{"type":"boolean","default":false,"description":"V-IRL only: episode i runs route i of the split's routes, each route exactly once, in order (the reference's `order=True`, its VLN-mini evaluation: 18 routes, 9 cities). `episodes` must equal the number of routes, else the evaluation stops with an error."}}};
const schema74 = {"type":"object","description":"Keys of the training environment that this split changes; every other key is inherited. `env` cannot change.","not":{"required":["env"]},"properties":{"target":{"$ref":"#/$defs/generalPoints/properties/target"},"faceCards":{"$ref":"#/$defs/generalPoints/properties/faceCards"},"sampling":{"$ref":"#/$defs/generalPoints/properties/sampling"},"draw":{"$ref":"#/$defs/generalPoints/properties/draw"},"suits":{"$ref":"#/$defs/generalPoints/properties/suits"},"modality":{"$ref":"#/$defs/modality"},"maxVerify":{"type":"integer","minimum":1,"maximum":100,"description":"Scored attempts (GeneralPoints: per episode; V-IRL: per position)."},"verifier":{"$ref":"#/$defs/verifier"},"routes":{"$ref":"#/$defs/routeSource"},"actionSpace":{"$ref":"#/$defs/virl/properties/actionSpace"},"maxStraight":{"$ref":"#/$defs/virl/properties/maxStraight"},"dropRate":{"$ref":"#/$defs/virl/properties/dropRate"},"panoramas":{"$ref":"#/$defs/virl/properties/panoramas"}},"additionalProperties":false};
const schema75 = {"type":"integer","minimum":1,"maximum":1000000,"default":24,"description":"The number the formula must reach (24 in the paper). At most what four cards make (10000 under faceCards all-10, 28561 under 11-12-13); a target that none of 1000 hands dealt for an episode reaches is refused then."};
const schema76 = {"enum":["all-10","11-12-13"],"default":"all-10","description":"Face-card rule: `all-10` (J, Q, K count as 10; the training rule) or `11-12-13` (J=11, Q=12, K=13; the rule-OOD variant)."};
const schema77 = {"enum":["any","at-least-one-face"],"default":"any","description":"`any` hand, or `at-least-one-face` (three ranks uniform 1..13 plus one uniform 11..13, shuffled; used for rule-OOD evaluation)."};
const schema78 = {"enum":["deck","independent"],"default":"independent","description":"`deck`: 4 cards without replacement from 52. `independent`: each rank uniform 1..13 and suit uniform, duplicates allowed (the reference code's behaviour)."};
const schema79 = {"enum":["all","black","red"],"default":"all","description":"Suits drawn: `all`, `black` (spades, clubs; GP-VL training) or `red` (hearts, diamonds; GP-VL visual OOD)."};
const schema83 = {"enum":["absolute","relative"],"default":"absolute","description":"`absolute` (north, northeast, ...; training) or `relative` (left, right, slightly left, slightly right; rule OOD)."};
const schema84 = {"type":"integer","minimum":0,"maximum":100,"default":5,"description":"Most interpolated forward() points per straight segment of the expert rail."};
const schema85 = {"type":"number","minimum":0,"maximum":1,"default":0.5,"description":"Probability that each interpolated forward() point is dropped."};
const schema86 = {"type":"string","minLength":1,"description":"Folder (relative to the config) of equirectangular panoramas with their metadata JSON (V-IRL-VL with route files): {route_id}/{place}.jpg and an optional {place}.json with the north rotation, where place is the point's index on the route's full rail, every forward() point kept (each segment's turn, then its maxStraight forward() points; the destination last), so the same on every seed. Synthetic routes render their own."};

function validate44(data, {instancePath="", parentData, parentDataProperty, rootData=data, dynamicAnchors={}}={}){
let vErrors = null;
let errors = 0;
const evaluated0 = validate44.evaluated;
if(evaluated0.dynamicProps){
evaluated0.props = undefined;
}
if(evaluated0.dynamicItems){
evaluated0.items = undefined;
}
const _errs1 = errors;
const _errs2 = errors;
if(data && typeof data == "object" && !Array.isArray(data)){
let missing0;
if((data.env === undefined) && (missing0 = "env")){
const err0 = {};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
}
var valid0 = _errs2 === errors;
if(valid0){
const err1 = {instancePath,schemaPath:"#/not",keyword:"not",params:{},message:"must NOT be valid"};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
else {
errors = _errs1;
if(vErrors !== null){
if(_errs1){
vErrors.length = _errs1;
}
else {
vErrors = null;
}
}
}
if(data && typeof data == "object" && !Array.isArray(data)){
for(const key0 in data){
if(!(func1.call(schema74.properties, key0))){
const err2 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
}
if(data.target !== undefined){
let data0 = data.target;
if(!(((typeof data0 == "number") && (!(data0 % 1) && !isNaN(data0))) && (isFinite(data0)))){
const err3 = {instancePath:instancePath+"/target",schemaPath:"#/$defs/generalPoints/properties/target/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
if((typeof data0 == "number") && (isFinite(data0))){
if(data0 > 1000000 || isNaN(data0)){
const err4 = {instancePath:instancePath+"/target",schemaPath:"#/$defs/generalPoints/properties/target/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1000000},message:"must be <= 1000000"};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
if(data0 < 1 || isNaN(data0)){
const err5 = {instancePath:instancePath+"/target",schemaPath:"#/$defs/generalPoints/properties/target/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
}
}
if(data.faceCards !== undefined){
let data1 = data.faceCards;
if(!((data1 === "all-10") || (data1 === "11-12-13"))){
const err6 = {instancePath:instancePath+"/faceCards",schemaPath:"#/$defs/generalPoints/properties/faceCards/enum",keyword:"enum",params:{allowedValues: schema76.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
}
if(data.sampling !== undefined){
let data2 = data.sampling;
if(!((data2 === "any") || (data2 === "at-least-one-face"))){
const err7 = {instancePath:instancePath+"/sampling",schemaPath:"#/$defs/generalPoints/properties/sampling/enum",keyword:"enum",params:{allowedValues: schema77.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
}
if(data.draw !== undefined){
let data3 = data.draw;
if(!((data3 === "deck") || (data3 === "independent"))){
const err8 = {instancePath:instancePath+"/draw",schemaPath:"#/$defs/generalPoints/properties/draw/enum",keyword:"enum",params:{allowedValues: schema78.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
}
if(data.suits !== undefined){
let data4 = data.suits;
if(!(((data4 === "all") || (data4 === "black")) || (data4 === "red"))){
const err9 = {instancePath:instancePath+"/suits",schemaPath:"#/$defs/generalPoints/properties/suits/enum",keyword:"enum",params:{allowedValues: schema79.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
}
if(data.modality !== undefined){
let data5 = data.modality;
if(!((data5 === "language") || (data5 === "vision"))){
const err10 = {instancePath:instancePath+"/modality",schemaPath:"#/$defs/modality/enum",keyword:"enum",params:{allowedValues: schema56.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
}
if(data.maxVerify !== undefined){
let data6 = data.maxVerify;
if(!(((typeof data6 == "number") && (!(data6 % 1) && !isNaN(data6))) && (isFinite(data6)))){
const err11 = {instancePath:instancePath+"/maxVerify",schemaPath:"#/properties/maxVerify/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
if((typeof data6 == "number") && (isFinite(data6))){
if(data6 > 100 || isNaN(data6)){
const err12 = {instancePath:instancePath+"/maxVerify",schemaPath:"#/properties/maxVerify/maximum",keyword:"maximum",params:{comparison: "<=", limit: 100},message:"must be <= 100"};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
if(data6 < 1 || isNaN(data6)){
const err13 = {instancePath:instancePath+"/maxVerify",schemaPath:"#/properties/maxVerify/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
}
}
if(data.verifier !== undefined){
let data7 = data.verifier;
if(!((data7 === "reference") || (data7 === "strict"))){
const err14 = {instancePath:instancePath+"/verifier",schemaPath:"#/$defs/verifier/enum",keyword:"enum",params:{allowedValues: schema57.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
}
if(data.routes !== undefined){
let data8 = data.routes;
const _errs23 = errors;
let valid10 = false;
let passing0 = null;
const _errs24 = errors;
if(data8 && typeof data8 == "object" && !Array.isArray(data8)){
if(data8.file === undefined){
const err15 = {instancePath:instancePath+"/routes",schemaPath:"#/$defs/routeSource/oneOf/0/required",keyword:"required",params:{missingProperty: "file"},message:"must have required property '"+"file"+"'"};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
for(const key1 in data8){
if(!(key1 === "file")){
const err16 = {instancePath:instancePath+"/routes",schemaPath:"#/$defs/routeSource/oneOf/0/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
}
if(data8.file !== undefined){
let data9 = data8.file;
if(typeof data9 === "string"){
if(func2(data9) < 1){
const err17 = {instancePath:instancePath+"/routes/file",schemaPath:"#/$defs/routeSource/oneOf/0/properties/file/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
}
else {
const err18 = {instancePath:instancePath+"/routes/file",schemaPath:"#/$defs/routeSource/oneOf/0/properties/file/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
}
}
else {
const err19 = {instancePath:instancePath+"/routes",schemaPath:"#/$defs/routeSource/oneOf/0/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err19];
}
else {
vErrors.push(err19);
}
errors++;
}
var _valid0 = _errs24 === errors;
if(_valid0){
valid10 = true;
passing0 = 0;
var props0 = true;
}
const _errs29 = errors;
if(data8 && typeof data8 == "object" && !Array.isArray(data8)){
if(data8.synthetic === undefined){
const err20 = {instancePath:instancePath+"/routes",schemaPath:"#/$defs/routeSource/oneOf/1/required",keyword:"required",params:{missingProperty: "synthetic"},message:"must have required property '"+"synthetic"+"'"};
if(vErrors === null){
vErrors = [err20];
}
else {
vErrors.push(err20);
}
errors++;
}
for(const key2 in data8){
if(!(key2 === "synthetic")){
const err21 = {instancePath:instancePath+"/routes",schemaPath:"#/$defs/routeSource/oneOf/1/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key2},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err21];
}
else {
vErrors.push(err21);
}
errors++;
}
}
if(data8.synthetic !== undefined){
let data10 = data8.synthetic;
if(data10 && typeof data10 == "object" && !Array.isArray(data10)){
if(data10.city === undefined){
const err22 = {instancePath:instancePath+"/routes/synthetic",schemaPath:"#/$defs/routeSource/oneOf/1/properties/synthetic/required",keyword:"required",params:{missingProperty: "city"},message:"must have required property '"+"city"+"'"};
if(vErrors === null){
vErrors = [err22];
}
else {
vErrors.push(err22);
}
errors++;
}
for(const key3 in data10){
if(!(((key3 === "city") || (key3 === "routes")) || (key3 === "seed"))){
const err23 = {instancePath:instancePath+"/routes/synthetic",schemaPath:"#/$defs/routeSource/oneOf/1/properties/synthetic/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key3},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err23];
}
else {
vErrors.push(err23);
}
errors++;
}
}
if(data10.city !== undefined){
let data11 = data10.city;
if(typeof data11 === "string"){
if(func2(data11) < 1){
const err24 = {instancePath:instancePath+"/routes/synthetic/city",schemaPath:"#/$defs/routeSource/oneOf/1/properties/synthetic/properties/city/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err24];
}
else {
vErrors.push(err24);
}
errors++;
}
}
else {
const err25 = {instancePath:instancePath+"/routes/synthetic/city",schemaPath:"#/$defs/routeSource/oneOf/1/properties/synthetic/properties/city/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err25];
}
else {
vErrors.push(err25);
}
errors++;
}
}
if(data10.routes !== undefined){
let data12 = data10.routes;
if(!(((typeof data12 == "number") && (!(data12 % 1) && !isNaN(data12))) && (isFinite(data12)))){
const err26 = {instancePath:instancePath+"/routes/synthetic/routes",schemaPath:"#/$defs/routeSource/oneOf/1/properties/synthetic/properties/routes/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err26];
}
else {
vErrors.push(err26);
}
errors++;
}
if((typeof data12 == "number") && (isFinite(data12))){
if(data12 > 1000000 || isNaN(data12)){
const err27 = {instancePath:instancePath+"/routes/synthetic/routes",schemaPath:"#/$defs/routeSource/oneOf/1/properties/synthetic/properties/routes/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1000000},message:"must be <= 1000000"};
if(vErrors === null){
vErrors = [err27];
}
else {
vErrors.push(err27);
}
errors++;
}
if(data12 < 1 || isNaN(data12)){
const err28 = {instancePath:instancePath+"/routes/synthetic/routes",schemaPath:"#/$defs/routeSource/oneOf/1/properties/synthetic/properties/routes/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err28];
}
else {
vErrors.push(err28);
}
errors++;
}
}
}
if(data10.seed !== undefined){
let data13 = data10.seed;
if(!(((typeof data13 == "number") && (!(data13 % 1) && !isNaN(data13))) && (isFinite(data13)))){
const err29 = {instancePath:instancePath+"/routes/synthetic/seed",schemaPath:"#/$defs/routeSource/oneOf/1/properties/synthetic/properties/seed/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err29];
}
else {
vErrors.push(err29);
}
errors++;
}
if((typeof data13 == "number") && (isFinite(data13))){
if(data13 > 4294967295 || isNaN(data13)){
const err30 = {instancePath:instancePath+"/routes/synthetic/seed",schemaPath:"#/$defs/routeSource/oneOf/1/properties/synthetic/properties/seed/maximum",keyword:"maximum",params:{comparison: "<=", limit: 4294967295},message:"must be <= 4294967295"};
if(vErrors === null){
vErrors = [err30];
}
else {
vErrors.push(err30);
}
errors++;
}
if(data13 < 0 || isNaN(data13)){
const err31 = {instancePath:instancePath+"/routes/synthetic/seed",schemaPath:"#/$defs/routeSource/oneOf/1/properties/synthetic/properties/seed/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err31];
}
else {
vErrors.push(err31);
}
errors++;
}
}
}
}
else {
const err32 = {instancePath:instancePath+"/routes/synthetic",schemaPath:"#/$defs/routeSource/oneOf/1/properties/synthetic/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err32];
}
else {
vErrors.push(err32);
}
errors++;
}
}
}
else {
const err33 = {instancePath:instancePath+"/routes",schemaPath:"#/$defs/routeSource/oneOf/1/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err33];
}
else {
vErrors.push(err33);
}
errors++;
}
var _valid0 = _errs29 === errors;
if(_valid0 && valid10){
valid10 = false;
passing0 = [passing0, 1];
}
else {
if(_valid0){
valid10 = true;
passing0 = 1;
if(props0 !== true){
props0 = true;
}
}
}
if(!valid10){
const err34 = {instancePath:instancePath+"/routes",schemaPath:"#/$defs/routeSource/oneOf",keyword:"oneOf",params:{passingSchemas: passing0},message:"must match exactly one schema in oneOf"};
if(vErrors === null){
vErrors = [err34];
}
else {
vErrors.push(err34);
}
errors++;
}
else {
errors = _errs23;
if(vErrors !== null){
if(_errs23){
vErrors.length = _errs23;
}
else {
vErrors = null;
}
}
}
}
if(data.actionSpace !== undefined){
let data14 = data.actionSpace;
if(!((data14 === "absolute") || (data14 === "relative"))){
const err35 = {instancePath:instancePath+"/actionSpace",schemaPath:"#/$defs/virl/properties/actionSpace/enum",keyword:"enum",params:{allowedValues: schema83.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err35];
}
else {
vErrors.push(err35);
}
errors++;
}
}
if(data.maxStraight !== undefined){
let data15 = data.maxStraight;
if(!(((typeof data15 == "number") && (!(data15 % 1) && !isNaN(data15))) && (isFinite(data15)))){
const err36 = {instancePath:instancePath+"/maxStraight",schemaPath:"#/$defs/virl/properties/maxStraight/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err36];
}
else {
vErrors.push(err36);
}
errors++;
}
if((typeof data15 == "number") && (isFinite(data15))){
if(data15 > 100 || isNaN(data15)){
const err37 = {instancePath:instancePath+"/maxStraight",schemaPath:"#/$defs/virl/properties/maxStraight/maximum",keyword:"maximum",params:{comparison: "<=", limit: 100},message:"must be <= 100"};
if(vErrors === null){
vErrors = [err37];
}
else {
vErrors.push(err37);
}
errors++;
}
if(data15 < 0 || isNaN(data15)){
const err38 = {instancePath:instancePath+"/maxStraight",schemaPath:"#/$defs/virl/properties/maxStraight/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err38];
}
else {
vErrors.push(err38);
}
errors++;
}
}
}
if(data.dropRate !== undefined){
let data16 = data.dropRate;
if((typeof data16 == "number") && (isFinite(data16))){
if(data16 > 1 || isNaN(data16)){
const err39 = {instancePath:instancePath+"/dropRate",schemaPath:"#/$defs/virl/properties/dropRate/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1},message:"must be <= 1"};
if(vErrors === null){
vErrors = [err39];
}
else {
vErrors.push(err39);
}
errors++;
}
if(data16 < 0 || isNaN(data16)){
const err40 = {instancePath:instancePath+"/dropRate",schemaPath:"#/$defs/virl/properties/dropRate/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err40];
}
else {
vErrors.push(err40);
}
errors++;
}
}
else {
const err41 = {instancePath:instancePath+"/dropRate",schemaPath:"#/$defs/virl/properties/dropRate/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err41];
}
else {
vErrors.push(err41);
}
errors++;
}
}
if(data.panoramas !== undefined){
let data17 = data.panoramas;
if(typeof data17 === "string"){
if(func2(data17) < 1){
const err42 = {instancePath:instancePath+"/panoramas",schemaPath:"#/$defs/virl/properties/panoramas/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err42];
}
else {
vErrors.push(err42);
}
errors++;
}
}
else {
const err43 = {instancePath:instancePath+"/panoramas",schemaPath:"#/$defs/virl/properties/panoramas/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err43];
}
else {
vErrors.push(err43);
}
errors++;
}
}
}
else {
const err44 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err44];
}
else {
vErrors.push(err44);
}
errors++;
}
validate44.errors = vErrors;
return errors === 0;
}
validate44.evaluated = {"props":true,"dynamicProps":false,"dynamicItems":false};


function validate43(data, {instancePath="", parentData, parentDataProperty, rootData=data, dynamicAnchors={}}={}){
let vErrors = null;
let errors = 0;
const evaluated0 = validate43.evaluated;
if(evaluated0.dynamicProps){
evaluated0.props = undefined;
}
if(evaluated0.dynamicItems){
evaluated0.items = undefined;
}
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.name === undefined){
const err0 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "name"},message:"must have required property '"+"name"+"'"};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
if(data.kind === undefined){
const err1 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "kind"},message:"must have required property '"+"kind"+"'"};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
if(data.episodes === undefined){
const err2 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "episodes"},message:"must have required property '"+"episodes"+"'"};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
for(const key0 in data){
if(!((((((key0 === "name") || (key0 === "kind")) || (key0 === "episodes")) || (key0 === "overrides")) || (key0 === "recognition")) || (key0 === "eachRouteOnce"))){
const err3 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
}
if(data.name !== undefined){
let data0 = data.name;
if(typeof data0 === "string"){
if(!pattern5.test(data0)){
const err4 = {instancePath:instancePath+"/name",schemaPath:"#/properties/name/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"},message:"must match pattern \""+"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"+"\""};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
}
else {
const err5 = {instancePath:instancePath+"/name",schemaPath:"#/properties/name/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
}
if(data.kind !== undefined){
let data1 = data.kind;
if(!(((data1 === "id") || (data1 === "rule-ood")) || (data1 === "visual-ood"))){
const err6 = {instancePath:instancePath+"/kind",schemaPath:"#/properties/kind/enum",keyword:"enum",params:{allowedValues: schema73.properties.kind.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
}
if(data.episodes !== undefined){
let data2 = data.episodes;
if(!(((typeof data2 == "number") && (!(data2 % 1) && !isNaN(data2))) && (isFinite(data2)))){
const err7 = {instancePath:instancePath+"/episodes",schemaPath:"#/properties/episodes/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
if((typeof data2 == "number") && (isFinite(data2))){
if(data2 > 1000000 || isNaN(data2)){
const err8 = {instancePath:instancePath+"/episodes",schemaPath:"#/properties/episodes/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1000000},message:"must be <= 1000000"};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
if(data2 < 1 || isNaN(data2)){
const err9 = {instancePath:instancePath+"/episodes",schemaPath:"#/properties/episodes/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
}
}
if(data.overrides !== undefined){
if(!(validate44(data.overrides, {instancePath:instancePath+"/overrides",parentData:data,parentDataProperty:"overrides",rootData,dynamicAnchors}))){
vErrors = vErrors === null ? validate44.errors : vErrors.concat(validate44.errors);
errors = vErrors.length;
}
}
if(data.recognition !== undefined){
if(typeof data.recognition !== "boolean"){
const err10 = {instancePath:instancePath+"/recognition",schemaPath:"#/properties/recognition/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
}
if(data.eachRouteOnce !== undefined){
if(typeof data.eachRouteOnce !== "boolean"){
const err11 = {instancePath:instancePath+"/eachRouteOnce",schemaPath:"#/properties/eachRouteOnce/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
}
}
else {
const err12 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
validate43.errors = vErrors;
return errors === 0;
}
validate43.evaluated = {"props":true,"dynamicProps":false,"dynamicItems":false};


function validate42(data, {instancePath="", parentData, parentDataProperty, rootData=data, dynamicAnchors={}}={}){
let vErrors = null;
let errors = 0;
const evaluated0 = validate42.evaluated;
if(evaluated0.dynamicProps){
evaluated0.props = undefined;
}
if(evaluated0.dynamicItems){
evaluated0.items = undefined;
}
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.splits === undefined){
const err0 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "splits"},message:"must have required property '"+"splits"+"'"};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
for(const key0 in data){
if(!(func1.call(schema72.properties, key0))){
const err1 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
}
if(data.splits !== undefined){
let data0 = data.splits;
if(Array.isArray(data0)){
if(data0.length < 1){
const err2 = {instancePath:instancePath+"/splits",schemaPath:"#/properties/splits/minItems",keyword:"minItems",params:{limit: 1},message:"must NOT have fewer than 1 items"};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
const len0 = data0.length;
for(let i0=0; i0<len0; i0++){
if(!(validate43(data0[i0], {instancePath:instancePath+"/splits/" + i0,parentData:data0,parentDataProperty:i0,rootData,dynamicAnchors}))){
vErrors = vErrors === null ? validate43.errors : vErrors.concat(validate43.errors);
errors = vErrors.length;
}
}
}
else {
const err3 = {instancePath:instancePath+"/splits",schemaPath:"#/properties/splits/type",keyword:"type",params:{type: "array"},message:"must be array"};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
}
if(data.everySteps !== undefined){
let data2 = data.everySteps;
if(!(((typeof data2 == "number") && (!(data2 % 1) && !isNaN(data2))) && (isFinite(data2)))){
const err4 = {instancePath:instancePath+"/everySteps",schemaPath:"#/properties/everySteps/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
if((typeof data2 == "number") && (isFinite(data2))){
if(data2 < 1 || isNaN(data2)){
const err5 = {instancePath:instancePath+"/everySteps",schemaPath:"#/properties/everySteps/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
}
}
if(data.atCheckpoints !== undefined){
if(typeof data.atCheckpoints !== "boolean"){
const err6 = {instancePath:instancePath+"/atCheckpoints",schemaPath:"#/properties/atCheckpoints/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
}
if(data.atStart !== undefined){
if(typeof data.atStart !== "boolean"){
const err7 = {instancePath:instancePath+"/atStart",schemaPath:"#/properties/atStart/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
}
if(data.seed !== undefined){
let data5 = data.seed;
if(!(((typeof data5 == "number") && (!(data5 % 1) && !isNaN(data5))) && (isFinite(data5)))){
const err8 = {instancePath:instancePath+"/seed",schemaPath:"#/properties/seed/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
if((typeof data5 == "number") && (isFinite(data5))){
if(data5 > 4294967295 || isNaN(data5)){
const err9 = {instancePath:instancePath+"/seed",schemaPath:"#/properties/seed/maximum",keyword:"maximum",params:{comparison: "<=", limit: 4294967295},message:"must be <= 4294967295"};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
if(data5 < 0 || isNaN(data5)){
const err10 = {instancePath:instancePath+"/seed",schemaPath:"#/properties/seed/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
}
}
if(data.temperature !== undefined){
let data6 = data.temperature;
if((typeof data6 == "number") && (isFinite(data6))){
if(data6 > 10 || isNaN(data6)){
const err11 = {instancePath:instancePath+"/temperature",schemaPath:"#/properties/temperature/maximum",keyword:"maximum",params:{comparison: "<=", limit: 10},message:"must be <= 10"};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
if(data6 < 0 || isNaN(data6)){
const err12 = {instancePath:instancePath+"/temperature",schemaPath:"#/properties/temperature/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
}
else {
const err13 = {instancePath:instancePath+"/temperature",schemaPath:"#/properties/temperature/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
}
if(data.topP !== undefined){
let data7 = data.topP;
if((typeof data7 == "number") && (isFinite(data7))){
if(data7 > 1 || isNaN(data7)){
const err14 = {instancePath:instancePath+"/topP",schemaPath:"#/properties/topP/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1},message:"must be <= 1"};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
if(data7 <= 0 || isNaN(data7)){
const err15 = {instancePath:instancePath+"/topP",schemaPath:"#/properties/topP/exclusiveMinimum",keyword:"exclusiveMinimum",params:{comparison: ">", limit: 0},message:"must be > 0"};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
}
else {
const err16 = {instancePath:instancePath+"/topP",schemaPath:"#/properties/topP/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
}
if(data.sampling !== undefined){
let data8 = data.sampling;
if(!((data8 === "configured") || (data8 === "model-defaults"))){
const err17 = {instancePath:instancePath+"/sampling",schemaPath:"#/properties/sampling/enum",keyword:"enum",params:{allowedValues: schema72.properties.sampling.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
}
if(data.maxNewTokens !== undefined){
let data9 = data.maxNewTokens;
if(!(((typeof data9 == "number") && (!(data9 % 1) && !isNaN(data9))) && (isFinite(data9)))){
const err18 = {instancePath:instancePath+"/maxNewTokens",schemaPath:"#/properties/maxNewTokens/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
if((typeof data9 == "number") && (isFinite(data9))){
if(data9 > 65536 || isNaN(data9)){
const err19 = {instancePath:instancePath+"/maxNewTokens",schemaPath:"#/properties/maxNewTokens/maximum",keyword:"maximum",params:{comparison: "<=", limit: 65536},message:"must be <= 65536"};
if(vErrors === null){
vErrors = [err19];
}
else {
vErrors.push(err19);
}
errors++;
}
if(data9 < 1 || isNaN(data9)){
const err20 = {instancePath:instancePath+"/maxNewTokens",schemaPath:"#/properties/maxNewTokens/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err20];
}
else {
vErrors.push(err20);
}
errors++;
}
}
}
}
else {
const err21 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err21];
}
else {
vErrors.push(err21);
}
errors++;
}
validate42.errors = vErrors;
return errors === 0;
}
validate42.evaluated = {"props":true,"dynamicProps":false,"dynamicItems":false};


function validate29(data, {instancePath="", parentData, parentDataProperty, rootData=data, dynamicAnchors={}}={}){
/*# sourceURL="https://schemas.ptlab.invalid/experiment.schema.json" */;
let vErrors = null;
let errors = 0;
const evaluated0 = validate29.evaluated;
if(evaluated0.dynamicProps){
evaluated0.props = undefined;
}
if(evaluated0.dynamicItems){
evaluated0.items = undefined;
}
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.name === undefined){
const err0 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "name"},message:"must have required property '"+"name"+"'"};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
if(data.environment === undefined){
const err1 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "environment"},message:"must have required property '"+"environment"+"'"};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
if(data.model === undefined){
const err2 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "model"},message:"must have required property '"+"model"+"'"};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
for(const key0 in data){
if(!(func1.call(schema53.properties, key0))){
const err3 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
}
if(data.$schema !== undefined){
if(typeof data.$schema !== "string"){
const err4 = {instancePath:instancePath+"/$schema",schemaPath:"#/properties/%24schema/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
}
if(data.name !== undefined){
let data1 = data.name;
if(typeof data1 === "string"){
if(!pattern5.test(data1)){
const err5 = {instancePath:instancePath+"/name",schemaPath:"#/properties/name/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"},message:"must match pattern \""+"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"+"\""};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
}
else {
const err6 = {instancePath:instancePath+"/name",schemaPath:"#/properties/name/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
}
if(data.description !== undefined){
if(typeof data.description !== "string"){
const err7 = {instancePath:instancePath+"/description",schemaPath:"#/properties/description/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
}
if(data.seed !== undefined){
let data3 = data.seed;
if(!(((typeof data3 == "number") && (!(data3 % 1) && !isNaN(data3))) && (isFinite(data3)))){
const err8 = {instancePath:instancePath+"/seed",schemaPath:"#/properties/seed/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
if((typeof data3 == "number") && (isFinite(data3))){
if(data3 > 4294967295 || isNaN(data3)){
const err9 = {instancePath:instancePath+"/seed",schemaPath:"#/properties/seed/maximum",keyword:"maximum",params:{comparison: "<=", limit: 4294967295},message:"must be <= 4294967295"};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
if(data3 < 0 || isNaN(data3)){
const err10 = {instancePath:instancePath+"/seed",schemaPath:"#/properties/seed/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
}
}
if(data.outputDir !== undefined){
let data4 = data.outputDir;
if(typeof data4 === "string"){
if(func2(data4) < 1){
const err11 = {instancePath:instancePath+"/outputDir",schemaPath:"#/properties/outputDir/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
}
else {
const err12 = {instancePath:instancePath+"/outputDir",schemaPath:"#/properties/outputDir/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
}
if(data.environment !== undefined){
if(!(validate30(data.environment, {instancePath:instancePath+"/environment",parentData:data,parentDataProperty:"environment",rootData,dynamicAnchors}))){
vErrors = vErrors === null ? validate30.errors : vErrors.concat(validate30.errors);
errors = vErrors.length;
}
}
if(data.model !== undefined){
let data6 = data.model;
if(data6 && typeof data6 == "object" && !Array.isArray(data6)){
if(data6.name === undefined){
const err13 = {instancePath:instancePath+"/model",schemaPath:"#/$defs/model/required",keyword:"required",params:{missingProperty: "name"},message:"must have required property '"+"name"+"'"};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
for(const key1 in data6){
if(!(func1.call(schema62.properties, key1))){
const err14 = {instancePath:instancePath+"/model",schemaPath:"#/$defs/model/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
}
if(data6.name !== undefined){
let data7 = data6.name;
if(typeof data7 === "string"){
if(func2(data7) < 1){
const err15 = {instancePath:instancePath+"/model/name",schemaPath:"#/$defs/model/properties/name/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
}
else {
const err16 = {instancePath:instancePath+"/model/name",schemaPath:"#/$defs/model/properties/name/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
}
if(data6.kind !== undefined){
let data8 = data6.kind;
if(!((data8 === "causal-lm") || (data8 === "image-text-to-text"))){
const err17 = {instancePath:instancePath+"/model/kind",schemaPath:"#/$defs/model/properties/kind/enum",keyword:"enum",params:{allowedValues: schema62.properties.kind.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
}
if(data6.revision !== undefined){
let data9 = data6.revision;
if(typeof data9 === "string"){
if(func2(data9) < 1){
const err18 = {instancePath:instancePath+"/model/revision",schemaPath:"#/$defs/model/properties/revision/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
}
else {
const err19 = {instancePath:instancePath+"/model/revision",schemaPath:"#/$defs/model/properties/revision/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err19];
}
else {
vErrors.push(err19);
}
errors++;
}
}
if(data6.dtype !== undefined){
let data10 = data6.dtype;
if(!((((data10 === "auto") || (data10 === "bf16")) || (data10 === "fp16")) || (data10 === "fp32"))){
const err20 = {instancePath:instancePath+"/model/dtype",schemaPath:"#/$defs/model/properties/dtype/enum",keyword:"enum",params:{allowedValues: schema62.properties.dtype.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err20];
}
else {
vErrors.push(err20);
}
errors++;
}
}
if(data6.gradientCheckpointing !== undefined){
let data11 = data6.gradientCheckpointing;
const _errs24 = errors;
let valid3 = false;
let passing0 = null;
const _errs25 = errors;
if(typeof data11 !== "boolean"){
const err21 = {instancePath:instancePath+"/model/gradientCheckpointing",schemaPath:"#/$defs/model/properties/gradientCheckpointing/oneOf/0/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};
if(vErrors === null){
vErrors = [err21];
}
else {
vErrors.push(err21);
}
errors++;
}
var _valid0 = _errs25 === errors;
if(_valid0){
valid3 = true;
passing0 = 0;
}
const _errs27 = errors;
if(data11 && typeof data11 == "object" && !Array.isArray(data11)){
if(data11.everyNLayers === undefined){
const err22 = {instancePath:instancePath+"/model/gradientCheckpointing",schemaPath:"#/$defs/model/properties/gradientCheckpointing/oneOf/1/required",keyword:"required",params:{missingProperty: "everyNLayers"},message:"must have required property '"+"everyNLayers"+"'"};
if(vErrors === null){
vErrors = [err22];
}
else {
vErrors.push(err22);
}
errors++;
}
for(const key2 in data11){
if(!(key2 === "everyNLayers")){
const err23 = {instancePath:instancePath+"/model/gradientCheckpointing",schemaPath:"#/$defs/model/properties/gradientCheckpointing/oneOf/1/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key2},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err23];
}
else {
vErrors.push(err23);
}
errors++;
}
}
if(data11.everyNLayers !== undefined){
let data12 = data11.everyNLayers;
if(!(((typeof data12 == "number") && (!(data12 % 1) && !isNaN(data12))) && (isFinite(data12)))){
const err24 = {instancePath:instancePath+"/model/gradientCheckpointing/everyNLayers",schemaPath:"#/$defs/model/properties/gradientCheckpointing/oneOf/1/properties/everyNLayers/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err24];
}
else {
vErrors.push(err24);
}
errors++;
}
if((typeof data12 == "number") && (isFinite(data12))){
if(data12 > 1024 || isNaN(data12)){
const err25 = {instancePath:instancePath+"/model/gradientCheckpointing/everyNLayers",schemaPath:"#/$defs/model/properties/gradientCheckpointing/oneOf/1/properties/everyNLayers/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1024},message:"must be <= 1024"};
if(vErrors === null){
vErrors = [err25];
}
else {
vErrors.push(err25);
}
errors++;
}
if(data12 < 1 || isNaN(data12)){
const err26 = {instancePath:instancePath+"/model/gradientCheckpointing/everyNLayers",schemaPath:"#/$defs/model/properties/gradientCheckpointing/oneOf/1/properties/everyNLayers/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err26];
}
else {
vErrors.push(err26);
}
errors++;
}
}
}
}
else {
const err27 = {instancePath:instancePath+"/model/gradientCheckpointing",schemaPath:"#/$defs/model/properties/gradientCheckpointing/oneOf/1/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err27];
}
else {
vErrors.push(err27);
}
errors++;
}
var _valid0 = _errs27 === errors;
if(_valid0 && valid3){
valid3 = false;
passing0 = [passing0, 1];
}
else {
if(_valid0){
valid3 = true;
passing0 = 1;
}
}
if(!valid3){
const err28 = {instancePath:instancePath+"/model/gradientCheckpointing",schemaPath:"#/$defs/model/properties/gradientCheckpointing/oneOf",keyword:"oneOf",params:{passingSchemas: passing0},message:"must match exactly one schema in oneOf"};
if(vErrors === null){
vErrors = [err28];
}
else {
vErrors.push(err28);
}
errors++;
}
else {
errors = _errs24;
if(vErrors !== null){
if(_errs24){
vErrors.length = _errs24;
}
else {
vErrors = null;
}
}
}
}
if(data6.compile !== undefined){
if(typeof data6.compile !== "boolean"){
const err29 = {instancePath:instancePath+"/model/compile",schemaPath:"#/$defs/model/properties/compile/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};
if(vErrors === null){
vErrors = [err29];
}
else {
vErrors.push(err29);
}
errors++;
}
}
if(data6.trustRemoteCode !== undefined){
if(typeof data6.trustRemoteCode !== "boolean"){
const err30 = {instancePath:instancePath+"/model/trustRemoteCode",schemaPath:"#/$defs/model/properties/trustRemoteCode/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};
if(vErrors === null){
vErrors = [err30];
}
else {
vErrors.push(err30);
}
errors++;
}
}
if(data6.kvCache !== undefined){
let data15 = data6.kvCache;
if(!(((data15 === "dynamic") || (data15 === "static")) || (data15 === "paged"))){
const err31 = {instancePath:instancePath+"/model/kvCache",schemaPath:"#/$defs/model/properties/kvCache/enum",keyword:"enum",params:{allowedValues: schema62.properties.kvCache.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err31];
}
else {
vErrors.push(err31);
}
errors++;
}
}
if(data6.ligerKernel !== undefined){
if(typeof data6.ligerKernel !== "boolean"){
const err32 = {instancePath:instancePath+"/model/ligerKernel",schemaPath:"#/$defs/model/properties/ligerKernel/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};
if(vErrors === null){
vErrors = [err32];
}
else {
vErrors.push(err32);
}
errors++;
}
}
if(data6.attention !== undefined){
let data17 = data6.attention;
if(!(((((((data17 === "auto") || (data17 === "sdpa")) || (data17 === "varlen")) || (data17 === "eager")) || (data17 === "flash_attention_2")) || (data17 === "flash_attention_3")) || (data17 === "flex_attention"))){
const err33 = {instancePath:instancePath+"/model/attention",schemaPath:"#/$defs/model/properties/attention/enum",keyword:"enum",params:{allowedValues: schema62.properties.attention.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err33];
}
else {
vErrors.push(err33);
}
errors++;
}
}
if(data6.generateBatch !== undefined){
let data18 = data6.generateBatch;
if(!(((typeof data18 == "number") && (!(data18 % 1) && !isNaN(data18))) && (isFinite(data18)))){
const err34 = {instancePath:instancePath+"/model/generateBatch",schemaPath:"#/$defs/model/properties/generateBatch/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err34];
}
else {
vErrors.push(err34);
}
errors++;
}
if((typeof data18 == "number") && (isFinite(data18))){
if(data18 > 65536 || isNaN(data18)){
const err35 = {instancePath:instancePath+"/model/generateBatch",schemaPath:"#/$defs/model/properties/generateBatch/maximum",keyword:"maximum",params:{comparison: "<=", limit: 65536},message:"must be <= 65536"};
if(vErrors === null){
vErrors = [err35];
}
else {
vErrors.push(err35);
}
errors++;
}
if(data18 < 1 || isNaN(data18)){
const err36 = {instancePath:instancePath+"/model/generateBatch",schemaPath:"#/$defs/model/properties/generateBatch/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err36];
}
else {
vErrors.push(err36);
}
errors++;
}
}
}
if(data6.maxLength !== undefined){
let data19 = data6.maxLength;
if(!(((typeof data19 == "number") && (!(data19 % 1) && !isNaN(data19))) && (isFinite(data19)))){
const err37 = {instancePath:instancePath+"/model/maxLength",schemaPath:"#/$defs/model/properties/maxLength/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err37];
}
else {
vErrors.push(err37);
}
errors++;
}
if((typeof data19 == "number") && (isFinite(data19))){
if(data19 > 1048576 || isNaN(data19)){
const err38 = {instancePath:instancePath+"/model/maxLength",schemaPath:"#/$defs/model/properties/maxLength/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1048576},message:"must be <= 1048576"};
if(vErrors === null){
vErrors = [err38];
}
else {
vErrors.push(err38);
}
errors++;
}
if(data19 < 16 || isNaN(data19)){
const err39 = {instancePath:instancePath+"/model/maxLength",schemaPath:"#/$defs/model/properties/maxLength/minimum",keyword:"minimum",params:{comparison: ">=", limit: 16},message:"must be >= 16"};
if(vErrors === null){
vErrors = [err39];
}
else {
vErrors.push(err39);
}
errors++;
}
}
}
if(data6.lora !== undefined){
let data20 = data6.lora;
if(data20 && typeof data20 == "object" && !Array.isArray(data20)){
if(data20.r === undefined){
const err40 = {instancePath:instancePath+"/model/lora",schemaPath:"#/$defs/model/properties/lora/required",keyword:"required",params:{missingProperty: "r"},message:"must have required property '"+"r"+"'"};
if(vErrors === null){
vErrors = [err40];
}
else {
vErrors.push(err40);
}
errors++;
}
for(const key3 in data20){
if(!((((key3 === "r") || (key3 === "alpha")) || (key3 === "dropout")) || (key3 === "targetModules"))){
const err41 = {instancePath:instancePath+"/model/lora",schemaPath:"#/$defs/model/properties/lora/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key3},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err41];
}
else {
vErrors.push(err41);
}
errors++;
}
}
if(data20.r !== undefined){
let data21 = data20.r;
if(!(((typeof data21 == "number") && (!(data21 % 1) && !isNaN(data21))) && (isFinite(data21)))){
const err42 = {instancePath:instancePath+"/model/lora/r",schemaPath:"#/$defs/model/properties/lora/properties/r/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err42];
}
else {
vErrors.push(err42);
}
errors++;
}
if((typeof data21 == "number") && (isFinite(data21))){
if(data21 > 4096 || isNaN(data21)){
const err43 = {instancePath:instancePath+"/model/lora/r",schemaPath:"#/$defs/model/properties/lora/properties/r/maximum",keyword:"maximum",params:{comparison: "<=", limit: 4096},message:"must be <= 4096"};
if(vErrors === null){
vErrors = [err43];
}
else {
vErrors.push(err43);
}
errors++;
}
if(data21 < 1 || isNaN(data21)){
const err44 = {instancePath:instancePath+"/model/lora/r",schemaPath:"#/$defs/model/properties/lora/properties/r/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err44];
}
else {
vErrors.push(err44);
}
errors++;
}
}
}
if(data20.alpha !== undefined){
let data22 = data20.alpha;
if((typeof data22 == "number") && (isFinite(data22))){
if(data22 <= 0 || isNaN(data22)){
const err45 = {instancePath:instancePath+"/model/lora/alpha",schemaPath:"#/$defs/model/properties/lora/properties/alpha/exclusiveMinimum",keyword:"exclusiveMinimum",params:{comparison: ">", limit: 0},message:"must be > 0"};
if(vErrors === null){
vErrors = [err45];
}
else {
vErrors.push(err45);
}
errors++;
}
}
else {
const err46 = {instancePath:instancePath+"/model/lora/alpha",schemaPath:"#/$defs/model/properties/lora/properties/alpha/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err46];
}
else {
vErrors.push(err46);
}
errors++;
}
}
if(data20.dropout !== undefined){
let data23 = data20.dropout;
if((typeof data23 == "number") && (isFinite(data23))){
if(data23 > 1 || isNaN(data23)){
const err47 = {instancePath:instancePath+"/model/lora/dropout",schemaPath:"#/$defs/model/properties/lora/properties/dropout/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1},message:"must be <= 1"};
if(vErrors === null){
vErrors = [err47];
}
else {
vErrors.push(err47);
}
errors++;
}
if(data23 < 0 || isNaN(data23)){
const err48 = {instancePath:instancePath+"/model/lora/dropout",schemaPath:"#/$defs/model/properties/lora/properties/dropout/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err48];
}
else {
vErrors.push(err48);
}
errors++;
}
}
else {
const err49 = {instancePath:instancePath+"/model/lora/dropout",schemaPath:"#/$defs/model/properties/lora/properties/dropout/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err49];
}
else {
vErrors.push(err49);
}
errors++;
}
}
if(data20.targetModules !== undefined){
let data24 = data20.targetModules;
if(Array.isArray(data24)){
if(data24.length < 1){
const err50 = {instancePath:instancePath+"/model/lora/targetModules",schemaPath:"#/$defs/model/properties/lora/properties/targetModules/minItems",keyword:"minItems",params:{limit: 1},message:"must NOT have fewer than 1 items"};
if(vErrors === null){
vErrors = [err50];
}
else {
vErrors.push(err50);
}
errors++;
}
const len0 = data24.length;
for(let i0=0; i0<len0; i0++){
let data25 = data24[i0];
if(typeof data25 === "string"){
if(func2(data25) < 1){
const err51 = {instancePath:instancePath+"/model/lora/targetModules/" + i0,schemaPath:"#/$defs/model/properties/lora/properties/targetModules/items/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err51];
}
else {
vErrors.push(err51);
}
errors++;
}
}
else {
const err52 = {instancePath:instancePath+"/model/lora/targetModules/" + i0,schemaPath:"#/$defs/model/properties/lora/properties/targetModules/items/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err52];
}
else {
vErrors.push(err52);
}
errors++;
}
}
let i1 = data24.length;
let j0;
if(i1 > 1){
const indices0 = {};
for(;i1--;){
let item0 = data24[i1];
if(typeof item0 !== "string"){
continue;
}
if(typeof indices0[item0] == "number"){
j0 = indices0[item0];
const err53 = {instancePath:instancePath+"/model/lora/targetModules",schemaPath:"#/$defs/model/properties/lora/properties/targetModules/uniqueItems",keyword:"uniqueItems",params:{i: i1, j: j0},message:"must NOT have duplicate items (items ## "+j0+" and "+i1+" are identical)"};
if(vErrors === null){
vErrors = [err53];
}
else {
vErrors.push(err53);
}
errors++;
break;
}
indices0[item0] = i1;
}
}
}
else {
const err54 = {instancePath:instancePath+"/model/lora/targetModules",schemaPath:"#/$defs/model/properties/lora/properties/targetModules/type",keyword:"type",params:{type: "array"},message:"must be array"};
if(vErrors === null){
vErrors = [err54];
}
else {
vErrors.push(err54);
}
errors++;
}
}
}
else {
const err55 = {instancePath:instancePath+"/model/lora",schemaPath:"#/$defs/model/properties/lora/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err55];
}
else {
vErrors.push(err55);
}
errors++;
}
}
}
else {
const err56 = {instancePath:instancePath+"/model",schemaPath:"#/$defs/model/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err56];
}
else {
vErrors.push(err56);
}
errors++;
}
}
if(data.sft !== undefined){
if(!(validate36(data.sft, {instancePath:instancePath+"/sft",parentData:data,parentDataProperty:"sft",rootData,dynamicAnchors}))){
vErrors = vErrors === null ? validate36.errors : vErrors.concat(validate36.errors);
errors = vErrors.length;
}
}
if(data.ppo !== undefined){
if(!(validate38(data.ppo, {instancePath:instancePath+"/ppo",parentData:data,parentDataProperty:"ppo",rootData,dynamicAnchors}))){
vErrors = vErrors === null ? validate38.errors : vErrors.concat(validate38.errors);
errors = vErrors.length;
}
}
if(data.evaluation !== undefined){
if(!(validate42(data.evaluation, {instancePath:instancePath+"/evaluation",parentData:data,parentDataProperty:"evaluation",rootData,dynamicAnchors}))){
vErrors = vErrors === null ? validate42.errors : vErrors.concat(validate42.errors);
errors = vErrors.length;
}
}
if(data.logging !== undefined){
let data29 = data.logging;
if(data29 && typeof data29 == "object" && !Array.isArray(data29)){
for(const key4 in data29){
if(!((key4 === "reportTo") || (key4 === "tokenRecordRate"))){
const err57 = {instancePath:instancePath+"/logging",schemaPath:"#/$defs/logging/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key4},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err57];
}
else {
vErrors.push(err57);
}
errors++;
}
}
if(data29.reportTo !== undefined){
let data30 = data29.reportTo;
if(Array.isArray(data30)){
const len1 = data30.length;
for(let i2=0; i2<len1; i2++){
let data31 = data30[i2];
if(!((data31 === "tensorboard") || (data31 === "wandb"))){
const err58 = {instancePath:instancePath+"/logging/reportTo/" + i2,schemaPath:"#/$defs/logging/properties/reportTo/items/enum",keyword:"enum",params:{allowedValues: schema87.properties.reportTo.items.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err58];
}
else {
vErrors.push(err58);
}
errors++;
}
}
let i3 = data30.length;
let j1;
if(i3 > 1){
outer0:
for(;i3--;){
for(j1 = i3; j1--;){
if(func0(data30[i3], data30[j1])){
const err59 = {instancePath:instancePath+"/logging/reportTo",schemaPath:"#/$defs/logging/properties/reportTo/uniqueItems",keyword:"uniqueItems",params:{i: i3, j: j1},message:"must NOT have duplicate items (items ## "+j1+" and "+i3+" are identical)"};
if(vErrors === null){
vErrors = [err59];
}
else {
vErrors.push(err59);
}
errors++;
break outer0;
}
}
}
}
}
else {
const err60 = {instancePath:instancePath+"/logging/reportTo",schemaPath:"#/$defs/logging/properties/reportTo/type",keyword:"type",params:{type: "array"},message:"must be array"};
if(vErrors === null){
vErrors = [err60];
}
else {
vErrors.push(err60);
}
errors++;
}
}
if(data29.tokenRecordRate !== undefined){
let data32 = data29.tokenRecordRate;
if((typeof data32 == "number") && (isFinite(data32))){
if(data32 > 1 || isNaN(data32)){
const err61 = {instancePath:instancePath+"/logging/tokenRecordRate",schemaPath:"#/$defs/logging/properties/tokenRecordRate/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1},message:"must be <= 1"};
if(vErrors === null){
vErrors = [err61];
}
else {
vErrors.push(err61);
}
errors++;
}
if(data32 < 0 || isNaN(data32)){
const err62 = {instancePath:instancePath+"/logging/tokenRecordRate",schemaPath:"#/$defs/logging/properties/tokenRecordRate/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err62];
}
else {
vErrors.push(err62);
}
errors++;
}
}
else {
const err63 = {instancePath:instancePath+"/logging/tokenRecordRate",schemaPath:"#/$defs/logging/properties/tokenRecordRate/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err63];
}
else {
vErrors.push(err63);
}
errors++;
}
}
}
else {
const err64 = {instancePath:instancePath+"/logging",schemaPath:"#/$defs/logging/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err64];
}
else {
vErrors.push(err64);
}
errors++;
}
}
if(data.alerts !== undefined){
let data33 = data.alerts;
if(data33 && typeof data33 == "object" && !Array.isArray(data33)){
for(const key5 in data33){
if(!((((((key5 === "rewardCollapse") || (key5 === "entropyCollapse")) || (key5 === "klSpike")) || (key5 === "nonFinite")) || (key5 === "stalledHeartbeat")) || (key5 === "stalledProgress"))){
const err65 = {instancePath:instancePath+"/alerts",schemaPath:"#/$defs/alerts/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key5},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err65];
}
else {
vErrors.push(err65);
}
errors++;
}
}
if(data33.rewardCollapse !== undefined){
let data34 = data33.rewardCollapse;
if(data34 && typeof data34 == "object" && !Array.isArray(data34)){
for(const key6 in data34){
if(!(((key6 === "enabled") || (key6 === "window")) || (key6 === "drop"))){
const err66 = {instancePath:instancePath+"/alerts/rewardCollapse",schemaPath:"#/$defs/alerts/properties/rewardCollapse/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key6},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err66];
}
else {
vErrors.push(err66);
}
errors++;
}
}
if(data34.enabled !== undefined){
if(typeof data34.enabled !== "boolean"){
const err67 = {instancePath:instancePath+"/alerts/rewardCollapse/enabled",schemaPath:"#/$defs/alerts/properties/rewardCollapse/properties/enabled/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};
if(vErrors === null){
vErrors = [err67];
}
else {
vErrors.push(err67);
}
errors++;
}
}
if(data34.window !== undefined){
let data36 = data34.window;
if(!(((typeof data36 == "number") && (!(data36 % 1) && !isNaN(data36))) && (isFinite(data36)))){
const err68 = {instancePath:instancePath+"/alerts/rewardCollapse/window",schemaPath:"#/$defs/alerts/properties/rewardCollapse/properties/window/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err68];
}
else {
vErrors.push(err68);
}
errors++;
}
if((typeof data36 == "number") && (isFinite(data36))){
if(data36 < 1 || isNaN(data36)){
const err69 = {instancePath:instancePath+"/alerts/rewardCollapse/window",schemaPath:"#/$defs/alerts/properties/rewardCollapse/properties/window/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err69];
}
else {
vErrors.push(err69);
}
errors++;
}
}
}
if(data34.drop !== undefined){
let data37 = data34.drop;
if((typeof data37 == "number") && (isFinite(data37))){
if(data37 <= 0 || isNaN(data37)){
const err70 = {instancePath:instancePath+"/alerts/rewardCollapse/drop",schemaPath:"#/$defs/alerts/properties/rewardCollapse/properties/drop/exclusiveMinimum",keyword:"exclusiveMinimum",params:{comparison: ">", limit: 0},message:"must be > 0"};
if(vErrors === null){
vErrors = [err70];
}
else {
vErrors.push(err70);
}
errors++;
}
}
else {
const err71 = {instancePath:instancePath+"/alerts/rewardCollapse/drop",schemaPath:"#/$defs/alerts/properties/rewardCollapse/properties/drop/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err71];
}
else {
vErrors.push(err71);
}
errors++;
}
}
}
else {
const err72 = {instancePath:instancePath+"/alerts/rewardCollapse",schemaPath:"#/$defs/alerts/properties/rewardCollapse/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err72];
}
else {
vErrors.push(err72);
}
errors++;
}
}
if(data33.entropyCollapse !== undefined){
let data38 = data33.entropyCollapse;
if(data38 && typeof data38 == "object" && !Array.isArray(data38)){
for(const key7 in data38){
if(!(((key7 === "enabled") || (key7 === "window")) || (key7 === "fraction"))){
const err73 = {instancePath:instancePath+"/alerts/entropyCollapse",schemaPath:"#/$defs/alerts/properties/entropyCollapse/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key7},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err73];
}
else {
vErrors.push(err73);
}
errors++;
}
}
if(data38.enabled !== undefined){
if(typeof data38.enabled !== "boolean"){
const err74 = {instancePath:instancePath+"/alerts/entropyCollapse/enabled",schemaPath:"#/$defs/alerts/properties/entropyCollapse/properties/enabled/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};
if(vErrors === null){
vErrors = [err74];
}
else {
vErrors.push(err74);
}
errors++;
}
}
if(data38.window !== undefined){
let data40 = data38.window;
if(!(((typeof data40 == "number") && (!(data40 % 1) && !isNaN(data40))) && (isFinite(data40)))){
const err75 = {instancePath:instancePath+"/alerts/entropyCollapse/window",schemaPath:"#/$defs/alerts/properties/entropyCollapse/properties/window/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err75];
}
else {
vErrors.push(err75);
}
errors++;
}
if((typeof data40 == "number") && (isFinite(data40))){
if(data40 < 1 || isNaN(data40)){
const err76 = {instancePath:instancePath+"/alerts/entropyCollapse/window",schemaPath:"#/$defs/alerts/properties/entropyCollapse/properties/window/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err76];
}
else {
vErrors.push(err76);
}
errors++;
}
}
}
if(data38.fraction !== undefined){
let data41 = data38.fraction;
if((typeof data41 == "number") && (isFinite(data41))){
if(data41 > 1 || isNaN(data41)){
const err77 = {instancePath:instancePath+"/alerts/entropyCollapse/fraction",schemaPath:"#/$defs/alerts/properties/entropyCollapse/properties/fraction/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1},message:"must be <= 1"};
if(vErrors === null){
vErrors = [err77];
}
else {
vErrors.push(err77);
}
errors++;
}
if(data41 <= 0 || isNaN(data41)){
const err78 = {instancePath:instancePath+"/alerts/entropyCollapse/fraction",schemaPath:"#/$defs/alerts/properties/entropyCollapse/properties/fraction/exclusiveMinimum",keyword:"exclusiveMinimum",params:{comparison: ">", limit: 0},message:"must be > 0"};
if(vErrors === null){
vErrors = [err78];
}
else {
vErrors.push(err78);
}
errors++;
}
}
else {
const err79 = {instancePath:instancePath+"/alerts/entropyCollapse/fraction",schemaPath:"#/$defs/alerts/properties/entropyCollapse/properties/fraction/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err79];
}
else {
vErrors.push(err79);
}
errors++;
}
}
}
else {
const err80 = {instancePath:instancePath+"/alerts/entropyCollapse",schemaPath:"#/$defs/alerts/properties/entropyCollapse/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err80];
}
else {
vErrors.push(err80);
}
errors++;
}
}
if(data33.klSpike !== undefined){
let data42 = data33.klSpike;
if(data42 && typeof data42 == "object" && !Array.isArray(data42)){
for(const key8 in data42){
if(!((key8 === "enabled") || (key8 === "max"))){
const err81 = {instancePath:instancePath+"/alerts/klSpike",schemaPath:"#/$defs/alerts/properties/klSpike/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key8},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err81];
}
else {
vErrors.push(err81);
}
errors++;
}
}
if(data42.enabled !== undefined){
if(typeof data42.enabled !== "boolean"){
const err82 = {instancePath:instancePath+"/alerts/klSpike/enabled",schemaPath:"#/$defs/alerts/properties/klSpike/properties/enabled/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};
if(vErrors === null){
vErrors = [err82];
}
else {
vErrors.push(err82);
}
errors++;
}
}
if(data42.max !== undefined){
let data44 = data42.max;
if((typeof data44 == "number") && (isFinite(data44))){
if(data44 <= 0 || isNaN(data44)){
const err83 = {instancePath:instancePath+"/alerts/klSpike/max",schemaPath:"#/$defs/alerts/properties/klSpike/properties/max/exclusiveMinimum",keyword:"exclusiveMinimum",params:{comparison: ">", limit: 0},message:"must be > 0"};
if(vErrors === null){
vErrors = [err83];
}
else {
vErrors.push(err83);
}
errors++;
}
}
else {
const err84 = {instancePath:instancePath+"/alerts/klSpike/max",schemaPath:"#/$defs/alerts/properties/klSpike/properties/max/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err84];
}
else {
vErrors.push(err84);
}
errors++;
}
}
}
else {
const err85 = {instancePath:instancePath+"/alerts/klSpike",schemaPath:"#/$defs/alerts/properties/klSpike/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err85];
}
else {
vErrors.push(err85);
}
errors++;
}
}
if(data33.nonFinite !== undefined){
let data45 = data33.nonFinite;
if(data45 && typeof data45 == "object" && !Array.isArray(data45)){
for(const key9 in data45){
if(!(key9 === "enabled")){
const err86 = {instancePath:instancePath+"/alerts/nonFinite",schemaPath:"#/$defs/alerts/properties/nonFinite/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key9},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err86];
}
else {
vErrors.push(err86);
}
errors++;
}
}
if(data45.enabled !== undefined){
if(typeof data45.enabled !== "boolean"){
const err87 = {instancePath:instancePath+"/alerts/nonFinite/enabled",schemaPath:"#/$defs/alerts/properties/nonFinite/properties/enabled/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};
if(vErrors === null){
vErrors = [err87];
}
else {
vErrors.push(err87);
}
errors++;
}
}
}
else {
const err88 = {instancePath:instancePath+"/alerts/nonFinite",schemaPath:"#/$defs/alerts/properties/nonFinite/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err88];
}
else {
vErrors.push(err88);
}
errors++;
}
}
if(data33.stalledHeartbeat !== undefined){
let data47 = data33.stalledHeartbeat;
if(data47 && typeof data47 == "object" && !Array.isArray(data47)){
for(const key10 in data47){
if(!(key10 === "enabled")){
const err89 = {instancePath:instancePath+"/alerts/stalledHeartbeat",schemaPath:"#/$defs/alerts/properties/stalledHeartbeat/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key10},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err89];
}
else {
vErrors.push(err89);
}
errors++;
}
}
if(data47.enabled !== undefined){
if(typeof data47.enabled !== "boolean"){
const err90 = {instancePath:instancePath+"/alerts/stalledHeartbeat/enabled",schemaPath:"#/$defs/alerts/properties/stalledHeartbeat/properties/enabled/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};
if(vErrors === null){
vErrors = [err90];
}
else {
vErrors.push(err90);
}
errors++;
}
}
}
else {
const err91 = {instancePath:instancePath+"/alerts/stalledHeartbeat",schemaPath:"#/$defs/alerts/properties/stalledHeartbeat/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err91];
}
else {
vErrors.push(err91);
}
errors++;
}
}
if(data33.stalledProgress !== undefined){
let data49 = data33.stalledProgress;
if(data49 && typeof data49 == "object" && !Array.isArray(data49)){
for(const key11 in data49){
if(!((key11 === "enabled") || (key11 === "minutes"))){
const err92 = {instancePath:instancePath+"/alerts/stalledProgress",schemaPath:"#/$defs/alerts/properties/stalledProgress/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key11},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err92];
}
else {
vErrors.push(err92);
}
errors++;
}
}
if(data49.enabled !== undefined){
if(typeof data49.enabled !== "boolean"){
const err93 = {instancePath:instancePath+"/alerts/stalledProgress/enabled",schemaPath:"#/$defs/alerts/properties/stalledProgress/properties/enabled/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};
if(vErrors === null){
vErrors = [err93];
}
else {
vErrors.push(err93);
}
errors++;
}
}
if(data49.minutes !== undefined){
let data51 = data49.minutes;
if((typeof data51 == "number") && (isFinite(data51))){
if(data51 <= 0 || isNaN(data51)){
const err94 = {instancePath:instancePath+"/alerts/stalledProgress/minutes",schemaPath:"#/$defs/alerts/properties/stalledProgress/properties/minutes/exclusiveMinimum",keyword:"exclusiveMinimum",params:{comparison: ">", limit: 0},message:"must be > 0"};
if(vErrors === null){
vErrors = [err94];
}
else {
vErrors.push(err94);
}
errors++;
}
}
else {
const err95 = {instancePath:instancePath+"/alerts/stalledProgress/minutes",schemaPath:"#/$defs/alerts/properties/stalledProgress/properties/minutes/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err95];
}
else {
vErrors.push(err95);
}
errors++;
}
}
}
else {
const err96 = {instancePath:instancePath+"/alerts/stalledProgress",schemaPath:"#/$defs/alerts/properties/stalledProgress/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err96];
}
else {
vErrors.push(err96);
}
errors++;
}
}
}
else {
const err97 = {instancePath:instancePath+"/alerts",schemaPath:"#/$defs/alerts/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err97];
}
else {
vErrors.push(err97);
}
errors++;
}
}
if(data.launcher !== undefined){
let data52 = data.launcher;
if(data52 && typeof data52 == "object" && !Array.isArray(data52)){
for(const key12 in data52){
if(!((((((key12 === "kind") || (key12 === "gpus")) || (key12 === "distributed")) || (key12 === "cpuProcesses")) || (key12 === "mixedPrecision")) || (key12 === "slurm"))){
const err98 = {instancePath:instancePath+"/launcher",schemaPath:"#/$defs/launcher/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key12},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err98];
}
else {
vErrors.push(err98);
}
errors++;
}
}
if(data52.kind !== undefined){
let data53 = data52.kind;
if(!(((data53 === "local") || (data53 === "accelerate")) || (data53 === "slurm"))){
const err99 = {instancePath:instancePath+"/launcher/kind",schemaPath:"#/$defs/launcher/properties/kind/enum",keyword:"enum",params:{allowedValues: schema89.properties.kind.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err99];
}
else {
vErrors.push(err99);
}
errors++;
}
}
if(data52.gpus !== undefined){
let data54 = data52.gpus;
const _errs121 = errors;
let valid24 = false;
let passing1 = null;
const _errs122 = errors;
if(Array.isArray(data54)){
const len2 = data54.length;
for(let i4=0; i4<len2; i4++){
let data55 = data54[i4];
if(!(((typeof data55 == "number") && (!(data55 % 1) && !isNaN(data55))) && (isFinite(data55)))){
const err100 = {instancePath:instancePath+"/launcher/gpus/" + i4,schemaPath:"#/$defs/launcher/properties/gpus/oneOf/0/items/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err100];
}
else {
vErrors.push(err100);
}
errors++;
}
if((typeof data55 == "number") && (isFinite(data55))){
if(data55 < 0 || isNaN(data55)){
const err101 = {instancePath:instancePath+"/launcher/gpus/" + i4,schemaPath:"#/$defs/launcher/properties/gpus/oneOf/0/items/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err101];
}
else {
vErrors.push(err101);
}
errors++;
}
}
}
let i5 = data54.length;
let j2;
if(i5 > 1){
const indices1 = {};
for(;i5--;){
let item1 = data54[i5];
if(!(((typeof item1 == "number") && (!(item1 % 1) && !isNaN(item1))) && (isFinite(item1)))){
continue;
}
if(typeof indices1[item1] == "number"){
j2 = indices1[item1];
const err102 = {instancePath:instancePath+"/launcher/gpus",schemaPath:"#/$defs/launcher/properties/gpus/oneOf/0/uniqueItems",keyword:"uniqueItems",params:{i: i5, j: j2},message:"must NOT have duplicate items (items ## "+j2+" and "+i5+" are identical)"};
if(vErrors === null){
vErrors = [err102];
}
else {
vErrors.push(err102);
}
errors++;
break;
}
indices1[item1] = i5;
}
}
}
else {
const err103 = {instancePath:instancePath+"/launcher/gpus",schemaPath:"#/$defs/launcher/properties/gpus/oneOf/0/type",keyword:"type",params:{type: "array"},message:"must be array"};
if(vErrors === null){
vErrors = [err103];
}
else {
vErrors.push(err103);
}
errors++;
}
var _valid1 = _errs122 === errors;
if(_valid1){
valid24 = true;
passing1 = 0;
}
const _errs126 = errors;
if(!(((typeof data54 == "number") && (!(data54 % 1) && !isNaN(data54))) && (isFinite(data54)))){
const err104 = {instancePath:instancePath+"/launcher/gpus",schemaPath:"#/$defs/launcher/properties/gpus/oneOf/1/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err104];
}
else {
vErrors.push(err104);
}
errors++;
}
if((typeof data54 == "number") && (isFinite(data54))){
if(data54 < 0 || isNaN(data54)){
const err105 = {instancePath:instancePath+"/launcher/gpus",schemaPath:"#/$defs/launcher/properties/gpus/oneOf/1/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err105];
}
else {
vErrors.push(err105);
}
errors++;
}
}
var _valid1 = _errs126 === errors;
if(_valid1 && valid24){
valid24 = false;
passing1 = [passing1, 1];
}
else {
if(_valid1){
valid24 = true;
passing1 = 1;
}
}
if(!valid24){
const err106 = {instancePath:instancePath+"/launcher/gpus",schemaPath:"#/$defs/launcher/properties/gpus/oneOf",keyword:"oneOf",params:{passingSchemas: passing1},message:"must match exactly one schema in oneOf"};
if(vErrors === null){
vErrors = [err106];
}
else {
vErrors.push(err106);
}
errors++;
}
else {
errors = _errs121;
if(vErrors !== null){
if(_errs121){
vErrors.length = _errs121;
}
else {
vErrors = null;
}
}
}
}
if(data52.distributed !== undefined){
let data56 = data52.distributed;
if(!((((data56 === "ddp") || (data56 === "fsdp")) || (data56 === "deepspeed-zero2")) || (data56 === "deepspeed-zero3"))){
const err107 = {instancePath:instancePath+"/launcher/distributed",schemaPath:"#/$defs/launcher/properties/distributed/enum",keyword:"enum",params:{allowedValues: schema89.properties.distributed.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err107];
}
else {
vErrors.push(err107);
}
errors++;
}
}
if(data52.cpuProcesses !== undefined){
let data57 = data52.cpuProcesses;
if(!(((typeof data57 == "number") && (!(data57 % 1) && !isNaN(data57))) && (isFinite(data57)))){
const err108 = {instancePath:instancePath+"/launcher/cpuProcesses",schemaPath:"#/$defs/launcher/properties/cpuProcesses/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err108];
}
else {
vErrors.push(err108);
}
errors++;
}
if((typeof data57 == "number") && (isFinite(data57))){
if(data57 < 2 || isNaN(data57)){
const err109 = {instancePath:instancePath+"/launcher/cpuProcesses",schemaPath:"#/$defs/launcher/properties/cpuProcesses/minimum",keyword:"minimum",params:{comparison: ">=", limit: 2},message:"must be >= 2"};
if(vErrors === null){
vErrors = [err109];
}
else {
vErrors.push(err109);
}
errors++;
}
}
}
if(data52.mixedPrecision !== undefined){
let data58 = data52.mixedPrecision;
if(!(((data58 === "no") || (data58 === "bf16")) || (data58 === "fp16"))){
const err110 = {instancePath:instancePath+"/launcher/mixedPrecision",schemaPath:"#/$defs/launcher/properties/mixedPrecision/enum",keyword:"enum",params:{allowedValues: schema89.properties.mixedPrecision.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err110];
}
else {
vErrors.push(err110);
}
errors++;
}
}
if(data52.slurm !== undefined){
let data59 = data52.slurm;
if(data59 && typeof data59 == "object" && !Array.isArray(data59)){
for(const key13 in data59){
if(!((((((((key13 === "partition") || (key13 === "account")) || (key13 === "qos")) || (key13 === "nodes")) || (key13 === "gpusPerNode")) || (key13 === "cpusPerTask")) || (key13 === "time")) || (key13 === "extraDirectives"))){
const err111 = {instancePath:instancePath+"/launcher/slurm",schemaPath:"#/$defs/launcher/properties/slurm/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key13},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err111];
}
else {
vErrors.push(err111);
}
errors++;
}
}
if(data59.partition !== undefined){
let data60 = data59.partition;
if(typeof data60 === "string"){
if(func2(data60) < 1){
const err112 = {instancePath:instancePath+"/launcher/slurm/partition",schemaPath:"#/$defs/launcher/properties/slurm/properties/partition/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err112];
}
else {
vErrors.push(err112);
}
errors++;
}
if(!pattern7.test(data60)){
const err113 = {instancePath:instancePath+"/launcher/slurm/partition",schemaPath:"#/$defs/launcher/properties/slurm/properties/partition/pattern",keyword:"pattern",params:{pattern: "^[^\\u0000-\\u001f\\u007f]+$"},message:"must match pattern \""+"^[^\\u0000-\\u001f\\u007f]+$"+"\""};
if(vErrors === null){
vErrors = [err113];
}
else {
vErrors.push(err113);
}
errors++;
}
}
else {
const err114 = {instancePath:instancePath+"/launcher/slurm/partition",schemaPath:"#/$defs/launcher/properties/slurm/properties/partition/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err114];
}
else {
vErrors.push(err114);
}
errors++;
}
}
if(data59.account !== undefined){
let data61 = data59.account;
if(typeof data61 === "string"){
if(func2(data61) < 1){
const err115 = {instancePath:instancePath+"/launcher/slurm/account",schemaPath:"#/$defs/launcher/properties/slurm/properties/account/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err115];
}
else {
vErrors.push(err115);
}
errors++;
}
if(!pattern7.test(data61)){
const err116 = {instancePath:instancePath+"/launcher/slurm/account",schemaPath:"#/$defs/launcher/properties/slurm/properties/account/pattern",keyword:"pattern",params:{pattern: "^[^\\u0000-\\u001f\\u007f]+$"},message:"must match pattern \""+"^[^\\u0000-\\u001f\\u007f]+$"+"\""};
if(vErrors === null){
vErrors = [err116];
}
else {
vErrors.push(err116);
}
errors++;
}
}
else {
const err117 = {instancePath:instancePath+"/launcher/slurm/account",schemaPath:"#/$defs/launcher/properties/slurm/properties/account/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err117];
}
else {
vErrors.push(err117);
}
errors++;
}
}
if(data59.qos !== undefined){
let data62 = data59.qos;
if(typeof data62 === "string"){
if(func2(data62) < 1){
const err118 = {instancePath:instancePath+"/launcher/slurm/qos",schemaPath:"#/$defs/launcher/properties/slurm/properties/qos/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err118];
}
else {
vErrors.push(err118);
}
errors++;
}
if(!pattern7.test(data62)){
const err119 = {instancePath:instancePath+"/launcher/slurm/qos",schemaPath:"#/$defs/launcher/properties/slurm/properties/qos/pattern",keyword:"pattern",params:{pattern: "^[^\\u0000-\\u001f\\u007f]+$"},message:"must match pattern \""+"^[^\\u0000-\\u001f\\u007f]+$"+"\""};
if(vErrors === null){
vErrors = [err119];
}
else {
vErrors.push(err119);
}
errors++;
}
}
else {
const err120 = {instancePath:instancePath+"/launcher/slurm/qos",schemaPath:"#/$defs/launcher/properties/slurm/properties/qos/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err120];
}
else {
vErrors.push(err120);
}
errors++;
}
}
if(data59.nodes !== undefined){
let data63 = data59.nodes;
if(!(((typeof data63 == "number") && (!(data63 % 1) && !isNaN(data63))) && (isFinite(data63)))){
const err121 = {instancePath:instancePath+"/launcher/slurm/nodes",schemaPath:"#/$defs/launcher/properties/slurm/properties/nodes/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err121];
}
else {
vErrors.push(err121);
}
errors++;
}
if((typeof data63 == "number") && (isFinite(data63))){
if(data63 < 1 || isNaN(data63)){
const err122 = {instancePath:instancePath+"/launcher/slurm/nodes",schemaPath:"#/$defs/launcher/properties/slurm/properties/nodes/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err122];
}
else {
vErrors.push(err122);
}
errors++;
}
}
}
if(data59.gpusPerNode !== undefined){
let data64 = data59.gpusPerNode;
if(!(((typeof data64 == "number") && (!(data64 % 1) && !isNaN(data64))) && (isFinite(data64)))){
const err123 = {instancePath:instancePath+"/launcher/slurm/gpusPerNode",schemaPath:"#/$defs/launcher/properties/slurm/properties/gpusPerNode/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err123];
}
else {
vErrors.push(err123);
}
errors++;
}
if((typeof data64 == "number") && (isFinite(data64))){
if(data64 < 1 || isNaN(data64)){
const err124 = {instancePath:instancePath+"/launcher/slurm/gpusPerNode",schemaPath:"#/$defs/launcher/properties/slurm/properties/gpusPerNode/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err124];
}
else {
vErrors.push(err124);
}
errors++;
}
}
}
if(data59.cpusPerTask !== undefined){
let data65 = data59.cpusPerTask;
if(!(((typeof data65 == "number") && (!(data65 % 1) && !isNaN(data65))) && (isFinite(data65)))){
const err125 = {instancePath:instancePath+"/launcher/slurm/cpusPerTask",schemaPath:"#/$defs/launcher/properties/slurm/properties/cpusPerTask/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err125];
}
else {
vErrors.push(err125);
}
errors++;
}
if((typeof data65 == "number") && (isFinite(data65))){
if(data65 < 1 || isNaN(data65)){
const err126 = {instancePath:instancePath+"/launcher/slurm/cpusPerTask",schemaPath:"#/$defs/launcher/properties/slurm/properties/cpusPerTask/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err126];
}
else {
vErrors.push(err126);
}
errors++;
}
}
}
if(data59.time !== undefined){
let data66 = data59.time;
if(typeof data66 === "string"){
if(!pattern10.test(data66)){
const err127 = {instancePath:instancePath+"/launcher/slurm/time",schemaPath:"#/$defs/launcher/properties/slurm/properties/time/pattern",keyword:"pattern",params:{pattern: "^(\\d+-)?\\d{1,2}:\\d{2}(:\\d{2})?$"},message:"must match pattern \""+"^(\\d+-)?\\d{1,2}:\\d{2}(:\\d{2})?$"+"\""};
if(vErrors === null){
vErrors = [err127];
}
else {
vErrors.push(err127);
}
errors++;
}
}
else {
const err128 = {instancePath:instancePath+"/launcher/slurm/time",schemaPath:"#/$defs/launcher/properties/slurm/properties/time/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err128];
}
else {
vErrors.push(err128);
}
errors++;
}
}
if(data59.extraDirectives !== undefined){
let data67 = data59.extraDirectives;
if(Array.isArray(data67)){
const len3 = data67.length;
for(let i6=0; i6<len3; i6++){
let data68 = data67[i6];
if(typeof data68 === "string"){
if(!pattern11.test(data68)){
const err129 = {instancePath:instancePath+"/launcher/slurm/extraDirectives/" + i6,schemaPath:"#/$defs/launcher/properties/slurm/properties/extraDirectives/items/pattern",keyword:"pattern",params:{pattern: "^--[a-z-]+(=[^\\u0000-\\u001f\\u007f]*)?$"},message:"must match pattern \""+"^--[a-z-]+(=[^\\u0000-\\u001f\\u007f]*)?$"+"\""};
if(vErrors === null){
vErrors = [err129];
}
else {
vErrors.push(err129);
}
errors++;
}
}
else {
const err130 = {instancePath:instancePath+"/launcher/slurm/extraDirectives/" + i6,schemaPath:"#/$defs/launcher/properties/slurm/properties/extraDirectives/items/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err130];
}
else {
vErrors.push(err130);
}
errors++;
}
}
}
else {
const err131 = {instancePath:instancePath+"/launcher/slurm/extraDirectives",schemaPath:"#/$defs/launcher/properties/slurm/properties/extraDirectives/type",keyword:"type",params:{type: "array"},message:"must be array"};
if(vErrors === null){
vErrors = [err131];
}
else {
vErrors.push(err131);
}
errors++;
}
}
}
else {
const err132 = {instancePath:instancePath+"/launcher/slurm",schemaPath:"#/$defs/launcher/properties/slurm/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err132];
}
else {
vErrors.push(err132);
}
errors++;
}
}
}
else {
const err133 = {instancePath:instancePath+"/launcher",schemaPath:"#/$defs/launcher/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err133];
}
else {
vErrors.push(err133);
}
errors++;
}
}
}
else {
const err134 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err134];
}
else {
vErrors.push(err134);
}
errors++;
}
validate29.errors = vErrors;
return errors === 0;
}
validate29.evaluated = {"props":true,"dynamicProps":false,"dynamicItems":false};

export const metricRecord = validate24;
const schema37 = {"$schema":"https://json-schema.org/draft/2020-12/schema","$id":"https://schemas.ptlab.invalid/metric-record.schema.json","title":"Post-Training Lab metric record (one line of metrics.jsonl)","description":"Append-only, one JSON object per line, flushed per record. `kind` tells a training record (per SFT logging step or PPO update) from an evaluation record (one split at one step). Every record carries the compute spent so far.","type":"object","required":["kind","step","time","compute"],"properties":{"kind":{"enum":["train","eval"]},"step":{"type":"integer","minimum":0,"description":"Global step: SFT optimizer step or PPO update, continuous across resumes."},"time":{"type":"string","format":"date-time"},"wallSeconds":{"type":"number","minimum":0,"description":"Seconds of training wall time so far (summed over segments)."},"segment":{"type":"integer","minimum":0,"description":"Process lifetime (0, then 1 after the first resume, ...)."},"episodes":{"type":"integer","minimum":0,"description":"Training episodes (PPO) or examples (SFT) consumed so far."},"checkpoint":{"type":"string","description":"Checkpoint evaluated (eval records), relative to the run folder."},"compute":{"$ref":"#/$defs/compute"}},"$comment":"Each branch lists the record's shared properties (true: checked above) and refuses any other: an unevaluatedProperties here would report a failing branch's properties as unknown, and ajv does not count a discriminator's branch as evaluating any (ajv-validator/ajv#1892).","discriminator":{"propertyName":"kind"},"oneOf":[{"title":"Training record","properties":{"kind":{"const":"train"},"metrics":{"type":"object","description":"Namespaced scalars, e.g. `train/loss`, `train/lr`, `ppo/policy_loss`, `ppo/value_loss`, `ppo/clipfrac`, `ppo/approx_kl`, `ppo/entropy`, `rollout/reward_mean`, `rollout/return_mean`, `rollout/response_tokens_mean`, `perf/tokens_per_second`.","propertyNames":{"pattern":"^[a-z0-9_]+(/[a-z0-9_@.-]+)+$"},"additionalProperties":{"type":["number","null"]}},"step":true,"time":true,"wallSeconds":true,"segment":true,"episodes":true,"checkpoint":true,"compute":true},"required":["metrics"],"additionalProperties":false},{"title":"Evaluation record","properties":{"kind":{"const":"eval"},"split":{"type":"string","minLength":1},"splitKind":{"enum":["id","rule-ood","visual-ood"]},"episodesEvaluated":{"type":"integer","minimum":0},"success":{"$ref":"#/$defs/rate"},"perStepAccuracy":{"$ref":"#/$defs/rate","description":"V-IRL, ours: correct attempts / scored attempts (the verifier's verdicts; a call past the attempt budget, failure mode `budget-exhausted`, is not an attempt)."},"perStepAccuracyReference":{"$ref":"#/$defs/rate","description":"V-IRL, the reference code's and so the paper's per-step accuracy: correct attempts / every model call, including the call past the attempt budget that the reference scores -1 without verifying (failure mode `budget-exhausted`). Equals `perStepAccuracy` with the strict verifier, which ends before such a call."},"recognition":{"$ref":"#/$defs/rate","description":"Vision: attempts with all cards recognised / attempts."},"meanReward":{"type":"number"},"failureModes":{"$ref":"#/$defs/failureCounts"},"step":true,"time":true,"wallSeconds":true,"segment":true,"episodes":true,"checkpoint":true,"compute":true},"required":["split","splitKind","episodesEvaluated","success"],"additionalProperties":false}],"$defs":{"rate":{"type":"object","required":["rate","stderr","n"],"additionalProperties":false,"properties":{"rate":{"type":"number","minimum":0,"maximum":1},"stderr":{"type":"number","minimum":0,"description":"sqrt(rate (1 - rate) / n)."},"n":{"type":"integer","minimum":0}}},"failureCounts":{"type":"object","propertyNames":{"$ref":"episode-record.schema.json#/$defs/failureMode"},"additionalProperties":{"type":"integer","minimum":0}},"compute":{"type":"object","description":"Compute accounting (shared/spec/training.md): X_train = 6 N D_train, X_inference = 2 N D_inference, with exact token counts.","required":["parameters","trainTokens","inferenceTokens","gflops"],"additionalProperties":false,"properties":{"parameters":{"type":"integer","minimum":0,"description":"N."},"initTokens":{"type":"integer","minimum":0,"description":"D_init: tokens trained on to make the Init checkpoint."},"trainTokens":{"type":"integer","minimum":0,"description":"D_train so far in this run (SFT: D_SFT; PPO: D_RL)."},"inferenceTokens":{"type":"integer","minimum":0,"description":"Tokens processed while collecting rollouts (D_buffer), counted."},"visualTrainTokens":{"type":"integer","minimum":0,"description":"Image tokens trained on that input_ids do not hold (cross-attention models such as Llama-3.2-Vision: (image_size / patch_size)^2 = 1,600 per image, the reference's count; 0 where the processor expands images into input_ids, as LLaVA and Qwen2-VL do, whose image tokens are already in trainTokens). Part of D_train in gflops."},"visualInferenceTokens":{"type":"integer","minimum":0,"description":"The same for the prompts of rollout generation: part of D_inference in gflops."},"gflops":{"type":"number","minimum":0,"description":"(6 N (D_init + D_train) + 2 N D_inference) / 1e9, visual tokens included."},"gflopsPaperApprox":{"type":"number","minimum":0,"description":"The paper's approximation with D_buffer = lambda D_train (lambda 6 GeneralPoints, 5.1 V-IRL)."}}},"decoding":{"type":"object","description":"How evaluation decodes (greedy or sampled), resolved: `configured` from evaluation.temperature / topP, or `model-defaults` from the checkpoint's generation_config.json with what it leaves unset at transformers' defaults (top_k 50), as the reference's evaluation decodes (it passes only max_new_tokens to generate).","required":["source","doSample","maxNewTokens"],"additionalProperties":false,"properties":{"source":{"enum":["configured","model-defaults"]},"doSample":{"type":"boolean","description":"Sampled (true) or greedy (false)."},"temperature":{"type":"number","minimum":0},"topP":{"type":"number","minimum":0,"maximum":1},"topK":{"type":"integer","minimum":0,"description":"0: no top-k cut."},"draws":{"enum":["per-episode","per-process"],"description":"Sampled decoding: where each token's randomness comes from. `per-episode`: from the episode, its attempt and the token's position alone, so the answers do not depend on how the episodes were batched or shared out among processes; `per-process`: each process's random stream (continuous batching, model.kvCache \"paged\"), so they do. Absent in records of earlier versions."},"maxNewTokens":{"type":"integer","minimum":1}}}}};
const pattern4 = new RegExp("^[a-z0-9_]+(/[a-z0-9_@.-]+)+$", "u");

function validate25(data, {instancePath="", parentData, parentDataProperty, rootData=data, dynamicAnchors={}}={}){
let vErrors = null;
let errors = 0;
const evaluated0 = validate25.evaluated;
if(evaluated0.dynamicProps){
evaluated0.props = undefined;
}
if(evaluated0.dynamicItems){
evaluated0.items = undefined;
}
if(data && typeof data == "object" && !Array.isArray(data)){
for(const key0 in data){
const _errs1 = errors;
if(!(((((((((((((key0 === "format") || (key0 === "illegal-formula")) || (key0 === "wrong-numbers")) || (key0 === "arithmetic")) || (key0 === "rule-collapse")) || (key0 === "recognition")) || (key0 === "wrong-turn")) || (key0 === "missed-intersection")) || (key0 === "phantom-intersection")) || (key0 === "premature-stop")) || (key0 === "missed-stop")) || (key0 === "action-space-confusion")) || (key0 === "budget-exhausted"))){
const err0 = {instancePath,schemaPath:"episode-record.schema.json#/$defs/failureMode/enum",keyword:"enum",params:{allowedValues: schema34.enum},message:"must be equal to one of the allowed values",propertyName:key0};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
var valid0 = _errs1 === errors;
if(!valid0){
const err1 = {instancePath,schemaPath:"#/propertyNames",keyword:"propertyNames",params:{propertyName: key0},message:"property name must be valid"};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
}
for(const key1 in data){
let data0 = data[key1];
if(!(((typeof data0 == "number") && (!(data0 % 1) && !isNaN(data0))) && (isFinite(data0)))){
const err2 = {instancePath:instancePath+"/" + key1.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/additionalProperties/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
if((typeof data0 == "number") && (isFinite(data0))){
if(data0 < 0 || isNaN(data0)){
const err3 = {instancePath:instancePath+"/" + key1.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/additionalProperties/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
}
}
}
else {
const err4 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
validate25.errors = vErrors;
return errors === 0;
}
validate25.evaluated = {"props":true,"dynamicProps":false,"dynamicItems":false};


function validate24(data, {instancePath="", parentData, parentDataProperty, rootData=data, dynamicAnchors={}}={}){
/*# sourceURL="https://schemas.ptlab.invalid/metric-record.schema.json" */;
let vErrors = null;
let errors = 0;
const evaluated0 = validate24.evaluated;
if(evaluated0.dynamicProps){
evaluated0.props = undefined;
}
if(evaluated0.dynamicItems){
evaluated0.items = undefined;
}
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.kind === undefined){
const err0 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "kind"},message:"must have required property '"+"kind"+"'"};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
if(data.step === undefined){
const err1 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "step"},message:"must have required property '"+"step"+"'"};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
if(data.time === undefined){
const err2 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "time"},message:"must have required property '"+"time"+"'"};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
if(data.compute === undefined){
const err3 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "compute"},message:"must have required property '"+"compute"+"'"};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
if(data.kind !== undefined){
let data0 = data.kind;
if(!((data0 === "train") || (data0 === "eval"))){
const err4 = {instancePath:instancePath+"/kind",schemaPath:"#/properties/kind/enum",keyword:"enum",params:{allowedValues: schema37.properties.kind.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
}
if(data.step !== undefined){
let data1 = data.step;
if(!(((typeof data1 == "number") && (!(data1 % 1) && !isNaN(data1))) && (isFinite(data1)))){
const err5 = {instancePath:instancePath+"/step",schemaPath:"#/properties/step/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
if((typeof data1 == "number") && (isFinite(data1))){
if(data1 < 0 || isNaN(data1)){
const err6 = {instancePath:instancePath+"/step",schemaPath:"#/properties/step/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
}
}
if(data.time !== undefined){
let data2 = data.time;
if(typeof data2 === "string"){
if(!(formats0.test(data2))){
const err7 = {instancePath:instancePath+"/time",schemaPath:"#/properties/time/format",keyword:"format",params:{format: "date-time"},message:"must match format \""+"date-time"+"\""};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
}
else {
const err8 = {instancePath:instancePath+"/time",schemaPath:"#/properties/time/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
}
if(data.wallSeconds !== undefined){
let data3 = data.wallSeconds;
if((typeof data3 == "number") && (isFinite(data3))){
if(data3 < 0 || isNaN(data3)){
const err9 = {instancePath:instancePath+"/wallSeconds",schemaPath:"#/properties/wallSeconds/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
}
else {
const err10 = {instancePath:instancePath+"/wallSeconds",schemaPath:"#/properties/wallSeconds/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
}
if(data.segment !== undefined){
let data4 = data.segment;
if(!(((typeof data4 == "number") && (!(data4 % 1) && !isNaN(data4))) && (isFinite(data4)))){
const err11 = {instancePath:instancePath+"/segment",schemaPath:"#/properties/segment/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
if((typeof data4 == "number") && (isFinite(data4))){
if(data4 < 0 || isNaN(data4)){
const err12 = {instancePath:instancePath+"/segment",schemaPath:"#/properties/segment/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
}
}
if(data.episodes !== undefined){
let data5 = data.episodes;
if(!(((typeof data5 == "number") && (!(data5 % 1) && !isNaN(data5))) && (isFinite(data5)))){
const err13 = {instancePath:instancePath+"/episodes",schemaPath:"#/properties/episodes/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
if((typeof data5 == "number") && (isFinite(data5))){
if(data5 < 0 || isNaN(data5)){
const err14 = {instancePath:instancePath+"/episodes",schemaPath:"#/properties/episodes/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
}
}
if(data.checkpoint !== undefined){
if(typeof data.checkpoint !== "string"){
const err15 = {instancePath:instancePath+"/checkpoint",schemaPath:"#/properties/checkpoint/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
}
if(data.compute !== undefined){
let data7 = data.compute;
if(data7 && typeof data7 == "object" && !Array.isArray(data7)){
if(data7.parameters === undefined){
const err16 = {instancePath:instancePath+"/compute",schemaPath:"#/$defs/compute/required",keyword:"required",params:{missingProperty: "parameters"},message:"must have required property '"+"parameters"+"'"};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
if(data7.trainTokens === undefined){
const err17 = {instancePath:instancePath+"/compute",schemaPath:"#/$defs/compute/required",keyword:"required",params:{missingProperty: "trainTokens"},message:"must have required property '"+"trainTokens"+"'"};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
if(data7.inferenceTokens === undefined){
const err18 = {instancePath:instancePath+"/compute",schemaPath:"#/$defs/compute/required",keyword:"required",params:{missingProperty: "inferenceTokens"},message:"must have required property '"+"inferenceTokens"+"'"};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
if(data7.gflops === undefined){
const err19 = {instancePath:instancePath+"/compute",schemaPath:"#/$defs/compute/required",keyword:"required",params:{missingProperty: "gflops"},message:"must have required property '"+"gflops"+"'"};
if(vErrors === null){
vErrors = [err19];
}
else {
vErrors.push(err19);
}
errors++;
}
for(const key0 in data7){
if(!((((((((key0 === "parameters") || (key0 === "initTokens")) || (key0 === "trainTokens")) || (key0 === "inferenceTokens")) || (key0 === "visualTrainTokens")) || (key0 === "visualInferenceTokens")) || (key0 === "gflops")) || (key0 === "gflopsPaperApprox"))){
const err20 = {instancePath:instancePath+"/compute",schemaPath:"#/$defs/compute/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err20];
}
else {
vErrors.push(err20);
}
errors++;
}
}
if(data7.parameters !== undefined){
let data8 = data7.parameters;
if(!(((typeof data8 == "number") && (!(data8 % 1) && !isNaN(data8))) && (isFinite(data8)))){
const err21 = {instancePath:instancePath+"/compute/parameters",schemaPath:"#/$defs/compute/properties/parameters/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err21];
}
else {
vErrors.push(err21);
}
errors++;
}
if((typeof data8 == "number") && (isFinite(data8))){
if(data8 < 0 || isNaN(data8)){
const err22 = {instancePath:instancePath+"/compute/parameters",schemaPath:"#/$defs/compute/properties/parameters/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err22];
}
else {
vErrors.push(err22);
}
errors++;
}
}
}
if(data7.initTokens !== undefined){
let data9 = data7.initTokens;
if(!(((typeof data9 == "number") && (!(data9 % 1) && !isNaN(data9))) && (isFinite(data9)))){
const err23 = {instancePath:instancePath+"/compute/initTokens",schemaPath:"#/$defs/compute/properties/initTokens/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err23];
}
else {
vErrors.push(err23);
}
errors++;
}
if((typeof data9 == "number") && (isFinite(data9))){
if(data9 < 0 || isNaN(data9)){
const err24 = {instancePath:instancePath+"/compute/initTokens",schemaPath:"#/$defs/compute/properties/initTokens/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err24];
}
else {
vErrors.push(err24);
}
errors++;
}
}
}
if(data7.trainTokens !== undefined){
let data10 = data7.trainTokens;
if(!(((typeof data10 == "number") && (!(data10 % 1) && !isNaN(data10))) && (isFinite(data10)))){
const err25 = {instancePath:instancePath+"/compute/trainTokens",schemaPath:"#/$defs/compute/properties/trainTokens/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err25];
}
else {
vErrors.push(err25);
}
errors++;
}
if((typeof data10 == "number") && (isFinite(data10))){
if(data10 < 0 || isNaN(data10)){
const err26 = {instancePath:instancePath+"/compute/trainTokens",schemaPath:"#/$defs/compute/properties/trainTokens/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err26];
}
else {
vErrors.push(err26);
}
errors++;
}
}
}
if(data7.inferenceTokens !== undefined){
let data11 = data7.inferenceTokens;
if(!(((typeof data11 == "number") && (!(data11 % 1) && !isNaN(data11))) && (isFinite(data11)))){
const err27 = {instancePath:instancePath+"/compute/inferenceTokens",schemaPath:"#/$defs/compute/properties/inferenceTokens/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err27];
}
else {
vErrors.push(err27);
}
errors++;
}
if((typeof data11 == "number") && (isFinite(data11))){
if(data11 < 0 || isNaN(data11)){
const err28 = {instancePath:instancePath+"/compute/inferenceTokens",schemaPath:"#/$defs/compute/properties/inferenceTokens/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err28];
}
else {
vErrors.push(err28);
}
errors++;
}
}
}
if(data7.visualTrainTokens !== undefined){
let data12 = data7.visualTrainTokens;
if(!(((typeof data12 == "number") && (!(data12 % 1) && !isNaN(data12))) && (isFinite(data12)))){
const err29 = {instancePath:instancePath+"/compute/visualTrainTokens",schemaPath:"#/$defs/compute/properties/visualTrainTokens/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err29];
}
else {
vErrors.push(err29);
}
errors++;
}
if((typeof data12 == "number") && (isFinite(data12))){
if(data12 < 0 || isNaN(data12)){
const err30 = {instancePath:instancePath+"/compute/visualTrainTokens",schemaPath:"#/$defs/compute/properties/visualTrainTokens/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err30];
}
else {
vErrors.push(err30);
}
errors++;
}
}
}
if(data7.visualInferenceTokens !== undefined){
let data13 = data7.visualInferenceTokens;
if(!(((typeof data13 == "number") && (!(data13 % 1) && !isNaN(data13))) && (isFinite(data13)))){
const err31 = {instancePath:instancePath+"/compute/visualInferenceTokens",schemaPath:"#/$defs/compute/properties/visualInferenceTokens/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err31];
}
else {
vErrors.push(err31);
}
errors++;
}
if((typeof data13 == "number") && (isFinite(data13))){
if(data13 < 0 || isNaN(data13)){
const err32 = {instancePath:instancePath+"/compute/visualInferenceTokens",schemaPath:"#/$defs/compute/properties/visualInferenceTokens/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err32];
}
else {
vErrors.push(err32);
}
errors++;
}
}
}
if(data7.gflops !== undefined){
let data14 = data7.gflops;
if((typeof data14 == "number") && (isFinite(data14))){
if(data14 < 0 || isNaN(data14)){
const err33 = {instancePath:instancePath+"/compute/gflops",schemaPath:"#/$defs/compute/properties/gflops/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err33];
}
else {
vErrors.push(err33);
}
errors++;
}
}
else {
const err34 = {instancePath:instancePath+"/compute/gflops",schemaPath:"#/$defs/compute/properties/gflops/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err34];
}
else {
vErrors.push(err34);
}
errors++;
}
}
if(data7.gflopsPaperApprox !== undefined){
let data15 = data7.gflopsPaperApprox;
if((typeof data15 == "number") && (isFinite(data15))){
if(data15 < 0 || isNaN(data15)){
const err35 = {instancePath:instancePath+"/compute/gflopsPaperApprox",schemaPath:"#/$defs/compute/properties/gflopsPaperApprox/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err35];
}
else {
vErrors.push(err35);
}
errors++;
}
}
else {
const err36 = {instancePath:instancePath+"/compute/gflopsPaperApprox",schemaPath:"#/$defs/compute/properties/gflopsPaperApprox/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err36];
}
else {
vErrors.push(err36);
}
errors++;
}
}
}
else {
const err37 = {instancePath:instancePath+"/compute",schemaPath:"#/$defs/compute/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err37];
}
else {
vErrors.push(err37);
}
errors++;
}
}
const tag0 = data.kind;
if(typeof tag0 == "string"){
if(tag0 === "train"){
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.metrics === undefined){
const err38 = {instancePath,schemaPath:"#/oneOf/0/required",keyword:"required",params:{missingProperty: "metrics"},message:"must have required property '"+"metrics"+"'"};
if(vErrors === null){
vErrors = [err38];
}
else {
vErrors.push(err38);
}
errors++;
}
for(const key1 in data){
if(!(func1.call(schema37.oneOf[0].properties, key1))){
const err39 = {instancePath,schemaPath:"#/oneOf/0/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err39];
}
else {
vErrors.push(err39);
}
errors++;
}
}
if(data.kind !== undefined){
if("train" !== data.kind){
const err40 = {instancePath:instancePath+"/kind",schemaPath:"#/oneOf/0/properties/kind/const",keyword:"const",params:{allowedValue: "train"},message:"must be equal to constant"};
if(vErrors === null){
vErrors = [err40];
}
else {
vErrors.push(err40);
}
errors++;
}
}
if(data.metrics !== undefined){
let data17 = data.metrics;
if(data17 && typeof data17 == "object" && !Array.isArray(data17)){
for(const key2 in data17){
const _errs41 = errors;
if(typeof key2 === "string"){
if(!pattern4.test(key2)){
const err41 = {instancePath:instancePath+"/metrics",schemaPath:"#/oneOf/0/properties/metrics/propertyNames/pattern",keyword:"pattern",params:{pattern: "^[a-z0-9_]+(/[a-z0-9_@.-]+)+$"},message:"must match pattern \""+"^[a-z0-9_]+(/[a-z0-9_@.-]+)+$"+"\"",propertyName:key2};
if(vErrors === null){
vErrors = [err41];
}
else {
vErrors.push(err41);
}
errors++;
}
}
var valid6 = _errs41 === errors;
if(!valid6){
const err42 = {instancePath:instancePath+"/metrics",schemaPath:"#/oneOf/0/properties/metrics/propertyNames",keyword:"propertyNames",params:{propertyName: key2},message:"property name must be valid"};
if(vErrors === null){
vErrors = [err42];
}
else {
vErrors.push(err42);
}
errors++;
}
}
for(const key3 in data17){
let data18 = data17[key3];
if((!((typeof data18 == "number") && (isFinite(data18)))) && (data18 !== null)){
const err43 = {instancePath:instancePath+"/metrics/" + key3.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/oneOf/0/properties/metrics/additionalProperties/type",keyword:"type",params:{type: schema37.oneOf[0].properties.metrics.additionalProperties.type},message:"must be number,null"};
if(vErrors === null){
vErrors = [err43];
}
else {
vErrors.push(err43);
}
errors++;
}
}
}
else {
const err44 = {instancePath:instancePath+"/metrics",schemaPath:"#/oneOf/0/properties/metrics/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err44];
}
else {
vErrors.push(err44);
}
errors++;
}
}
}
var props0 = true;
}
else if(tag0 === "eval"){
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.split === undefined){
const err45 = {instancePath,schemaPath:"#/oneOf/1/required",keyword:"required",params:{missingProperty: "split"},message:"must have required property '"+"split"+"'"};
if(vErrors === null){
vErrors = [err45];
}
else {
vErrors.push(err45);
}
errors++;
}
if(data.splitKind === undefined){
const err46 = {instancePath,schemaPath:"#/oneOf/1/required",keyword:"required",params:{missingProperty: "splitKind"},message:"must have required property '"+"splitKind"+"'"};
if(vErrors === null){
vErrors = [err46];
}
else {
vErrors.push(err46);
}
errors++;
}
if(data.episodesEvaluated === undefined){
const err47 = {instancePath,schemaPath:"#/oneOf/1/required",keyword:"required",params:{missingProperty: "episodesEvaluated"},message:"must have required property '"+"episodesEvaluated"+"'"};
if(vErrors === null){
vErrors = [err47];
}
else {
vErrors.push(err47);
}
errors++;
}
if(data.success === undefined){
const err48 = {instancePath,schemaPath:"#/oneOf/1/required",keyword:"required",params:{missingProperty: "success"},message:"must have required property '"+"success"+"'"};
if(vErrors === null){
vErrors = [err48];
}
else {
vErrors.push(err48);
}
errors++;
}
for(const key4 in data){
if(!(func1.call(schema37.oneOf[1].properties, key4))){
const err49 = {instancePath,schemaPath:"#/oneOf/1/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key4},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err49];
}
else {
vErrors.push(err49);
}
errors++;
}
}
if(data.kind !== undefined){
if("eval" !== data.kind){
const err50 = {instancePath:instancePath+"/kind",schemaPath:"#/oneOf/1/properties/kind/const",keyword:"const",params:{allowedValue: "eval"},message:"must be equal to constant"};
if(vErrors === null){
vErrors = [err50];
}
else {
vErrors.push(err50);
}
errors++;
}
}
if(data.split !== undefined){
let data20 = data.split;
if(typeof data20 === "string"){
if(func2(data20) < 1){
const err51 = {instancePath:instancePath+"/split",schemaPath:"#/oneOf/1/properties/split/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err51];
}
else {
vErrors.push(err51);
}
errors++;
}
}
else {
const err52 = {instancePath:instancePath+"/split",schemaPath:"#/oneOf/1/properties/split/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err52];
}
else {
vErrors.push(err52);
}
errors++;
}
}
if(data.splitKind !== undefined){
let data21 = data.splitKind;
if(!(((data21 === "id") || (data21 === "rule-ood")) || (data21 === "visual-ood"))){
const err53 = {instancePath:instancePath+"/splitKind",schemaPath:"#/oneOf/1/properties/splitKind/enum",keyword:"enum",params:{allowedValues: schema37.oneOf[1].properties.splitKind.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err53];
}
else {
vErrors.push(err53);
}
errors++;
}
}
if(data.episodesEvaluated !== undefined){
let data22 = data.episodesEvaluated;
if(!(((typeof data22 == "number") && (!(data22 % 1) && !isNaN(data22))) && (isFinite(data22)))){
const err54 = {instancePath:instancePath+"/episodesEvaluated",schemaPath:"#/oneOf/1/properties/episodesEvaluated/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err54];
}
else {
vErrors.push(err54);
}
errors++;
}
if((typeof data22 == "number") && (isFinite(data22))){
if(data22 < 0 || isNaN(data22)){
const err55 = {instancePath:instancePath+"/episodesEvaluated",schemaPath:"#/oneOf/1/properties/episodesEvaluated/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err55];
}
else {
vErrors.push(err55);
}
errors++;
}
}
}
if(data.success !== undefined){
let data23 = data.success;
if(data23 && typeof data23 == "object" && !Array.isArray(data23)){
if(data23.rate === undefined){
const err56 = {instancePath:instancePath+"/success",schemaPath:"#/$defs/rate/required",keyword:"required",params:{missingProperty: "rate"},message:"must have required property '"+"rate"+"'"};
if(vErrors === null){
vErrors = [err56];
}
else {
vErrors.push(err56);
}
errors++;
}
if(data23.stderr === undefined){
const err57 = {instancePath:instancePath+"/success",schemaPath:"#/$defs/rate/required",keyword:"required",params:{missingProperty: "stderr"},message:"must have required property '"+"stderr"+"'"};
if(vErrors === null){
vErrors = [err57];
}
else {
vErrors.push(err57);
}
errors++;
}
if(data23.n === undefined){
const err58 = {instancePath:instancePath+"/success",schemaPath:"#/$defs/rate/required",keyword:"required",params:{missingProperty: "n"},message:"must have required property '"+"n"+"'"};
if(vErrors === null){
vErrors = [err58];
}
else {
vErrors.push(err58);
}
errors++;
}
for(const key5 in data23){
if(!(((key5 === "rate") || (key5 === "stderr")) || (key5 === "n"))){
const err59 = {instancePath:instancePath+"/success",schemaPath:"#/$defs/rate/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key5},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err59];
}
else {
vErrors.push(err59);
}
errors++;
}
}
if(data23.rate !== undefined){
let data24 = data23.rate;
if((typeof data24 == "number") && (isFinite(data24))){
if(data24 > 1 || isNaN(data24)){
const err60 = {instancePath:instancePath+"/success/rate",schemaPath:"#/$defs/rate/properties/rate/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1},message:"must be <= 1"};
if(vErrors === null){
vErrors = [err60];
}
else {
vErrors.push(err60);
}
errors++;
}
if(data24 < 0 || isNaN(data24)){
const err61 = {instancePath:instancePath+"/success/rate",schemaPath:"#/$defs/rate/properties/rate/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err61];
}
else {
vErrors.push(err61);
}
errors++;
}
}
else {
const err62 = {instancePath:instancePath+"/success/rate",schemaPath:"#/$defs/rate/properties/rate/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err62];
}
else {
vErrors.push(err62);
}
errors++;
}
}
if(data23.stderr !== undefined){
let data25 = data23.stderr;
if((typeof data25 == "number") && (isFinite(data25))){
if(data25 < 0 || isNaN(data25)){
const err63 = {instancePath:instancePath+"/success/stderr",schemaPath:"#/$defs/rate/properties/stderr/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err63];
}
else {
vErrors.push(err63);
}
errors++;
}
}
else {
const err64 = {instancePath:instancePath+"/success/stderr",schemaPath:"#/$defs/rate/properties/stderr/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err64];
}
else {
vErrors.push(err64);
}
errors++;
}
}
if(data23.n !== undefined){
let data26 = data23.n;
if(!(((typeof data26 == "number") && (!(data26 % 1) && !isNaN(data26))) && (isFinite(data26)))){
const err65 = {instancePath:instancePath+"/success/n",schemaPath:"#/$defs/rate/properties/n/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err65];
}
else {
vErrors.push(err65);
}
errors++;
}
if((typeof data26 == "number") && (isFinite(data26))){
if(data26 < 0 || isNaN(data26)){
const err66 = {instancePath:instancePath+"/success/n",schemaPath:"#/$defs/rate/properties/n/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err66];
}
else {
vErrors.push(err66);
}
errors++;
}
}
}
}
else {
const err67 = {instancePath:instancePath+"/success",schemaPath:"#/$defs/rate/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err67];
}
else {
vErrors.push(err67);
}
errors++;
}
}
if(data.perStepAccuracy !== undefined){
let data27 = data.perStepAccuracy;
if(data27 && typeof data27 == "object" && !Array.isArray(data27)){
if(data27.rate === undefined){
const err68 = {instancePath:instancePath+"/perStepAccuracy",schemaPath:"#/$defs/rate/required",keyword:"required",params:{missingProperty: "rate"},message:"must have required property '"+"rate"+"'"};
if(vErrors === null){
vErrors = [err68];
}
else {
vErrors.push(err68);
}
errors++;
}
if(data27.stderr === undefined){
const err69 = {instancePath:instancePath+"/perStepAccuracy",schemaPath:"#/$defs/rate/required",keyword:"required",params:{missingProperty: "stderr"},message:"must have required property '"+"stderr"+"'"};
if(vErrors === null){
vErrors = [err69];
}
else {
vErrors.push(err69);
}
errors++;
}
if(data27.n === undefined){
const err70 = {instancePath:instancePath+"/perStepAccuracy",schemaPath:"#/$defs/rate/required",keyword:"required",params:{missingProperty: "n"},message:"must have required property '"+"n"+"'"};
if(vErrors === null){
vErrors = [err70];
}
else {
vErrors.push(err70);
}
errors++;
}
for(const key6 in data27){
if(!(((key6 === "rate") || (key6 === "stderr")) || (key6 === "n"))){
const err71 = {instancePath:instancePath+"/perStepAccuracy",schemaPath:"#/$defs/rate/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key6},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err71];
}
else {
vErrors.push(err71);
}
errors++;
}
}
if(data27.rate !== undefined){
let data28 = data27.rate;
if((typeof data28 == "number") && (isFinite(data28))){
if(data28 > 1 || isNaN(data28)){
const err72 = {instancePath:instancePath+"/perStepAccuracy/rate",schemaPath:"#/$defs/rate/properties/rate/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1},message:"must be <= 1"};
if(vErrors === null){
vErrors = [err72];
}
else {
vErrors.push(err72);
}
errors++;
}
if(data28 < 0 || isNaN(data28)){
const err73 = {instancePath:instancePath+"/perStepAccuracy/rate",schemaPath:"#/$defs/rate/properties/rate/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err73];
}
else {
vErrors.push(err73);
}
errors++;
}
}
else {
const err74 = {instancePath:instancePath+"/perStepAccuracy/rate",schemaPath:"#/$defs/rate/properties/rate/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err74];
}
else {
vErrors.push(err74);
}
errors++;
}
}
if(data27.stderr !== undefined){
let data29 = data27.stderr;
if((typeof data29 == "number") && (isFinite(data29))){
if(data29 < 0 || isNaN(data29)){
const err75 = {instancePath:instancePath+"/perStepAccuracy/stderr",schemaPath:"#/$defs/rate/properties/stderr/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err75];
}
else {
vErrors.push(err75);
}
errors++;
}
}
else {
const err76 = {instancePath:instancePath+"/perStepAccuracy/stderr",schemaPath:"#/$defs/rate/properties/stderr/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err76];
}
else {
vErrors.push(err76);
}
errors++;
}
}
if(data27.n !== undefined){
let data30 = data27.n;
if(!(((typeof data30 == "number") && (!(data30 % 1) && !isNaN(data30))) && (isFinite(data30)))){
const err77 = {instancePath:instancePath+"/perStepAccuracy/n",schemaPath:"#/$defs/rate/properties/n/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err77];
}
else {
vErrors.push(err77);
}
errors++;
}
if((typeof data30 == "number") && (isFinite(data30))){
if(data30 < 0 || isNaN(data30)){
const err78 = {instancePath:instancePath+"/perStepAccuracy/n",schemaPath:"#/$defs/rate/properties/n/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err78];
}
else {
vErrors.push(err78);
}
errors++;
}
}
}
}
else {
const err79 = {instancePath:instancePath+"/perStepAccuracy",schemaPath:"#/$defs/rate/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err79];
}
else {
vErrors.push(err79);
}
errors++;
}
}
if(data.perStepAccuracyReference !== undefined){
let data31 = data.perStepAccuracyReference;
if(data31 && typeof data31 == "object" && !Array.isArray(data31)){
if(data31.rate === undefined){
const err80 = {instancePath:instancePath+"/perStepAccuracyReference",schemaPath:"#/$defs/rate/required",keyword:"required",params:{missingProperty: "rate"},message:"must have required property '"+"rate"+"'"};
if(vErrors === null){
vErrors = [err80];
}
else {
vErrors.push(err80);
}
errors++;
}
if(data31.stderr === undefined){
const err81 = {instancePath:instancePath+"/perStepAccuracyReference",schemaPath:"#/$defs/rate/required",keyword:"required",params:{missingProperty: "stderr"},message:"must have required property '"+"stderr"+"'"};
if(vErrors === null){
vErrors = [err81];
}
else {
vErrors.push(err81);
}
errors++;
}
if(data31.n === undefined){
const err82 = {instancePath:instancePath+"/perStepAccuracyReference",schemaPath:"#/$defs/rate/required",keyword:"required",params:{missingProperty: "n"},message:"must have required property '"+"n"+"'"};
if(vErrors === null){
vErrors = [err82];
}
else {
vErrors.push(err82);
}
errors++;
}
for(const key7 in data31){
if(!(((key7 === "rate") || (key7 === "stderr")) || (key7 === "n"))){
const err83 = {instancePath:instancePath+"/perStepAccuracyReference",schemaPath:"#/$defs/rate/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key7},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err83];
}
else {
vErrors.push(err83);
}
errors++;
}
}
if(data31.rate !== undefined){
let data32 = data31.rate;
if((typeof data32 == "number") && (isFinite(data32))){
if(data32 > 1 || isNaN(data32)){
const err84 = {instancePath:instancePath+"/perStepAccuracyReference/rate",schemaPath:"#/$defs/rate/properties/rate/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1},message:"must be <= 1"};
if(vErrors === null){
vErrors = [err84];
}
else {
vErrors.push(err84);
}
errors++;
}
if(data32 < 0 || isNaN(data32)){
const err85 = {instancePath:instancePath+"/perStepAccuracyReference/rate",schemaPath:"#/$defs/rate/properties/rate/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err85];
}
else {
vErrors.push(err85);
}
errors++;
}
}
else {
const err86 = {instancePath:instancePath+"/perStepAccuracyReference/rate",schemaPath:"#/$defs/rate/properties/rate/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err86];
}
else {
vErrors.push(err86);
}
errors++;
}
}
if(data31.stderr !== undefined){
let data33 = data31.stderr;
if((typeof data33 == "number") && (isFinite(data33))){
if(data33 < 0 || isNaN(data33)){
const err87 = {instancePath:instancePath+"/perStepAccuracyReference/stderr",schemaPath:"#/$defs/rate/properties/stderr/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err87];
}
else {
vErrors.push(err87);
}
errors++;
}
}
else {
const err88 = {instancePath:instancePath+"/perStepAccuracyReference/stderr",schemaPath:"#/$defs/rate/properties/stderr/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err88];
}
else {
vErrors.push(err88);
}
errors++;
}
}
if(data31.n !== undefined){
let data34 = data31.n;
if(!(((typeof data34 == "number") && (!(data34 % 1) && !isNaN(data34))) && (isFinite(data34)))){
const err89 = {instancePath:instancePath+"/perStepAccuracyReference/n",schemaPath:"#/$defs/rate/properties/n/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err89];
}
else {
vErrors.push(err89);
}
errors++;
}
if((typeof data34 == "number") && (isFinite(data34))){
if(data34 < 0 || isNaN(data34)){
const err90 = {instancePath:instancePath+"/perStepAccuracyReference/n",schemaPath:"#/$defs/rate/properties/n/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err90];
}
else {
vErrors.push(err90);
}
errors++;
}
}
}
}
else {
const err91 = {instancePath:instancePath+"/perStepAccuracyReference",schemaPath:"#/$defs/rate/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err91];
}
else {
vErrors.push(err91);
}
errors++;
}
}
if(data.recognition !== undefined){
let data35 = data.recognition;
if(data35 && typeof data35 == "object" && !Array.isArray(data35)){
if(data35.rate === undefined){
const err92 = {instancePath:instancePath+"/recognition",schemaPath:"#/$defs/rate/required",keyword:"required",params:{missingProperty: "rate"},message:"must have required property '"+"rate"+"'"};
if(vErrors === null){
vErrors = [err92];
}
else {
vErrors.push(err92);
}
errors++;
}
if(data35.stderr === undefined){
const err93 = {instancePath:instancePath+"/recognition",schemaPath:"#/$defs/rate/required",keyword:"required",params:{missingProperty: "stderr"},message:"must have required property '"+"stderr"+"'"};
if(vErrors === null){
vErrors = [err93];
}
else {
vErrors.push(err93);
}
errors++;
}
if(data35.n === undefined){
const err94 = {instancePath:instancePath+"/recognition",schemaPath:"#/$defs/rate/required",keyword:"required",params:{missingProperty: "n"},message:"must have required property '"+"n"+"'"};
if(vErrors === null){
vErrors = [err94];
}
else {
vErrors.push(err94);
}
errors++;
}
for(const key8 in data35){
if(!(((key8 === "rate") || (key8 === "stderr")) || (key8 === "n"))){
const err95 = {instancePath:instancePath+"/recognition",schemaPath:"#/$defs/rate/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key8},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err95];
}
else {
vErrors.push(err95);
}
errors++;
}
}
if(data35.rate !== undefined){
let data36 = data35.rate;
if((typeof data36 == "number") && (isFinite(data36))){
if(data36 > 1 || isNaN(data36)){
const err96 = {instancePath:instancePath+"/recognition/rate",schemaPath:"#/$defs/rate/properties/rate/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1},message:"must be <= 1"};
if(vErrors === null){
vErrors = [err96];
}
else {
vErrors.push(err96);
}
errors++;
}
if(data36 < 0 || isNaN(data36)){
const err97 = {instancePath:instancePath+"/recognition/rate",schemaPath:"#/$defs/rate/properties/rate/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err97];
}
else {
vErrors.push(err97);
}
errors++;
}
}
else {
const err98 = {instancePath:instancePath+"/recognition/rate",schemaPath:"#/$defs/rate/properties/rate/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err98];
}
else {
vErrors.push(err98);
}
errors++;
}
}
if(data35.stderr !== undefined){
let data37 = data35.stderr;
if((typeof data37 == "number") && (isFinite(data37))){
if(data37 < 0 || isNaN(data37)){
const err99 = {instancePath:instancePath+"/recognition/stderr",schemaPath:"#/$defs/rate/properties/stderr/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err99];
}
else {
vErrors.push(err99);
}
errors++;
}
}
else {
const err100 = {instancePath:instancePath+"/recognition/stderr",schemaPath:"#/$defs/rate/properties/stderr/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err100];
}
else {
vErrors.push(err100);
}
errors++;
}
}
if(data35.n !== undefined){
let data38 = data35.n;
if(!(((typeof data38 == "number") && (!(data38 % 1) && !isNaN(data38))) && (isFinite(data38)))){
const err101 = {instancePath:instancePath+"/recognition/n",schemaPath:"#/$defs/rate/properties/n/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err101];
}
else {
vErrors.push(err101);
}
errors++;
}
if((typeof data38 == "number") && (isFinite(data38))){
if(data38 < 0 || isNaN(data38)){
const err102 = {instancePath:instancePath+"/recognition/n",schemaPath:"#/$defs/rate/properties/n/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err102];
}
else {
vErrors.push(err102);
}
errors++;
}
}
}
}
else {
const err103 = {instancePath:instancePath+"/recognition",schemaPath:"#/$defs/rate/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err103];
}
else {
vErrors.push(err103);
}
errors++;
}
}
if(data.meanReward !== undefined){
let data39 = data.meanReward;
if(!((typeof data39 == "number") && (isFinite(data39)))){
const err104 = {instancePath:instancePath+"/meanReward",schemaPath:"#/oneOf/1/properties/meanReward/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err104];
}
else {
vErrors.push(err104);
}
errors++;
}
}
if(data.failureModes !== undefined){
if(!(validate25(data.failureModes, {instancePath:instancePath+"/failureModes",parentData:data,parentDataProperty:"failureModes",rootData,dynamicAnchors}))){
vErrors = vErrors === null ? validate25.errors : vErrors.concat(validate25.errors);
errors = vErrors.length;
}
}
}
if(props0 !== true){
props0 = true;
}
}
else {
const err105 = {instancePath,schemaPath:"#/discriminator",keyword:"discriminator",params:{error: "mapping", tag: "kind", tagValue: tag0},message:"value of tag \"kind\" must be in oneOf"};
if(vErrors === null){
vErrors = [err105];
}
else {
vErrors.push(err105);
}
errors++;
}
}
else {
const err106 = {instancePath,schemaPath:"#/discriminator",keyword:"discriminator",params:{error: "tag", tag: "kind", tagValue: tag0},message:"tag \"kind\" must be string"};
if(vErrors === null){
vErrors = [err106];
}
else {
vErrors.push(err106);
}
errors++;
}
}
else {
const err107 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err107];
}
else {
vErrors.push(err107);
}
errors++;
}
validate24.errors = vErrors;
evaluated0.props = props0;
return errors === 0;
}
validate24.evaluated = {"dynamicProps":true,"dynamicItems":false};

export const runManifest = validate48;
const schema90 = {"$schema":"https://json-schema.org/draft/2020-12/schema","$id":"https://schemas.ptlab.invalid/run-manifest.schema.json","title":"Post-Training Lab run manifest (run.json)","description":"Written by the trainer at the root of every run folder, replaced atomically on each change. The Runs view reads status and heartbeat from it.","type":"object","required":["schemaVersion","runId","experiment","job","status","createdAt","updatedAt","heartbeatAt","config","command","seeds","host"],"additionalProperties":false,"properties":{"schemaVersion":{"const":1,"description":"Version of this contract."},"runId":{"type":"string","pattern":"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$","description":"Unique within the experiment's output folder; also the run folder's name."},"experiment":{"type":"string","minLength":1,"description":"The experiment config's `name`."},"job":{"enum":["data","sft","ppo","eval","export"],"description":"What this run does."},"status":{"enum":["running","finished","failed","cancelled"],"description":"`running` until the process ends; a running manifest whose heartbeat is old is shown as stale."},"createdAt":{"type":"string","format":"date-time"},"updatedAt":{"type":"string","format":"date-time"},"heartbeatAt":{"type":"string","format":"date-time","description":"Refreshed periodically while the process is alive."},"activeAt":{"type":"string","format":"date-time","description":"When the job last moved: a generate call returned, a scoring or training micro-batch ran, a record was written or the step advanced; while a model downloads and loads, the time of each write. The heartbeat (heartbeatAt) goes on while the job waits on a collective; this does not. Absent in runs of earlier versions."},"endedAt":{"type":"string","format":"date-time"},"configPath":{"type":"string","description":"The experiment file of the run's latest launch: a resume writes its own, as it does command, cwd, git, packages, host and gpus."},"config":{"type":"object","description":"Snapshot of the experiment config with defaults filled in (valid against experiment.schema.json)."},"scheduleVersion":{"type":"integer","minimum":1,"description":"The learning-rate schedules' semantics a training run (sft, ppo) began under, what `--resume` holds it to: 2 since SFT warms up for ceil(steps x warmupRatio) steps (was round) and PPO's cosine is torch's, rising again past ppo.lrCosineUpdates (was held at finalLearningRate). Absent in other jobs' runs and in training runs begun before (version 1). `--resume` refuses an older version whose rates the change alters (or where run.json cannot tell): finish such a run with the trainer it began with, or start a new one; one the change leaves alone resumes as the current version."},"configSha256":{"type":"string","pattern":"^[0-9a-f]{64}$"},"command":{"type":"array","items":{"type":"string"},"minItems":1,"description":"argv of the trainer process."},"cwd":{"type":"string"},"init":{"type":"string","description":"The checkpoint this run started from, if any."},"git":{"type":["object","null"],"additionalProperties":false,"required":["commit","dirty"],"properties":{"commit":{"type":"string","pattern":"^[0-9a-f]{40}$"},"dirty":{"type":"boolean","description":"Uncommitted changes were present."}},"description":"null when the trainer is not in a git checkout."},"packages":{"type":"object","additionalProperties":{"type":"string"},"description":"Versions of python, torch, transformers, peft, accelerate, ptlab, ..."},"seeds":{"type":"object","required":["global"],"additionalProperties":{"type":"integer","minimum":0},"properties":{"global":{"type":"integer","minimum":0}}},"host":{"type":"object","required":["hostname","platform"],"additionalProperties":false,"properties":{"hostname":{"type":"string"},"platform":{"type":"string"},"python":{"type":"string"},"cpuCount":{"type":"integer","minimum":1},"pid":{"type":"integer","minimum":1},"slurmJobId":{"type":"string"}}},"gpus":{"type":"array","items":{"type":"object","required":["index","name"],"additionalProperties":false,"properties":{"index":{"type":"integer","minimum":0},"name":{"type":"string"},"memoryMiB":{"type":"integer","minimum":0}}}},"parameters":{"type":"integer","minimum":0,"description":"Model parameters N used in compute accounting."},"progress":{"type":"object","additionalProperties":false,"required":["step"],"properties":{"step":{"type":"integer","minimum":0,"description":"Last completed global step."},"totalSteps":{"type":"integer","minimum":0}}},"checkpoints":{"type":"array","items":{"type":"object","required":["step","path","createdAt"],"additionalProperties":false,"properties":{"step":{"type":"integer","minimum":0},"path":{"type":"string","description":"Relative to the run folder."},"createdAt":{"type":"string","format":"date-time"}}}},"segments":{"type":"array","description":"One entry per process lifetime: a resumed run has several, joined by global step.","items":{"type":"object","required":["index","startedAt","startStep"],"additionalProperties":false,"properties":{"index":{"type":"integer","minimum":0},"startedAt":{"type":"string","format":"date-time"},"startStep":{"type":"integer","minimum":0},"endedAt":{"type":"string","format":"date-time"},"endStatus":{"enum":["finished","failed","cancelled","crashed"]}}}},"error":{"type":"object","required":["message"],"additionalProperties":false,"properties":{"message":{"type":"string"},"traceback":{"type":"string"}}},"files":{"type":"object","additionalProperties":false,"description":"Files of the run folder, relative to it.","properties":{"metrics":{"type":"string","default":"metrics.jsonl"},"episodes":{"type":"string","default":"episodes.jsonl"},"log":{"type":"string","default":"train.log"},"tokens":{"type":"string","default":"tokens.jsonl","description":"Per-token records of sampled PPO rollout turns (token-record.schema.json); PPO runs with logging.tokenRecordRate above 0."}}},"evaluationDecoding":{"$ref":"metric-record.schema.json#/$defs/decoding","description":"How this run's evaluations decode (written at its first evaluation)."}}};
const pattern12 = new RegExp("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$", "u");
const pattern13 = new RegExp("^[0-9a-f]{64}$", "u");
const pattern14 = new RegExp("^[0-9a-f]{40}$", "u");

function validate48(data, {instancePath="", parentData, parentDataProperty, rootData=data, dynamicAnchors={}}={}){
/*# sourceURL="https://schemas.ptlab.invalid/run-manifest.schema.json" */;
let vErrors = null;
let errors = 0;
const evaluated0 = validate48.evaluated;
if(evaluated0.dynamicProps){
evaluated0.props = undefined;
}
if(evaluated0.dynamicItems){
evaluated0.items = undefined;
}
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.schemaVersion === undefined){
const err0 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "schemaVersion"},message:"must have required property '"+"schemaVersion"+"'"};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
if(data.runId === undefined){
const err1 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "runId"},message:"must have required property '"+"runId"+"'"};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
if(data.experiment === undefined){
const err2 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "experiment"},message:"must have required property '"+"experiment"+"'"};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
if(data.job === undefined){
const err3 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "job"},message:"must have required property '"+"job"+"'"};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
if(data.status === undefined){
const err4 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "status"},message:"must have required property '"+"status"+"'"};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
if(data.createdAt === undefined){
const err5 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "createdAt"},message:"must have required property '"+"createdAt"+"'"};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
if(data.updatedAt === undefined){
const err6 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "updatedAt"},message:"must have required property '"+"updatedAt"+"'"};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
if(data.heartbeatAt === undefined){
const err7 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "heartbeatAt"},message:"must have required property '"+"heartbeatAt"+"'"};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
if(data.config === undefined){
const err8 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "config"},message:"must have required property '"+"config"+"'"};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
if(data.command === undefined){
const err9 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "command"},message:"must have required property '"+"command"+"'"};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
if(data.seeds === undefined){
const err10 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "seeds"},message:"must have required property '"+"seeds"+"'"};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
if(data.host === undefined){
const err11 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "host"},message:"must have required property '"+"host"+"'"};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
for(const key0 in data){
if(!(func1.call(schema90.properties, key0))){
const err12 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
}
if(data.schemaVersion !== undefined){
if(1 !== data.schemaVersion){
const err13 = {instancePath:instancePath+"/schemaVersion",schemaPath:"#/properties/schemaVersion/const",keyword:"const",params:{allowedValue: 1},message:"must be equal to constant"};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
}
if(data.runId !== undefined){
let data1 = data.runId;
if(typeof data1 === "string"){
if(!pattern12.test(data1)){
const err14 = {instancePath:instancePath+"/runId",schemaPath:"#/properties/runId/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$"},message:"must match pattern \""+"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$"+"\""};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
}
else {
const err15 = {instancePath:instancePath+"/runId",schemaPath:"#/properties/runId/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
}
if(data.experiment !== undefined){
let data2 = data.experiment;
if(typeof data2 === "string"){
if(func2(data2) < 1){
const err16 = {instancePath:instancePath+"/experiment",schemaPath:"#/properties/experiment/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
}
else {
const err17 = {instancePath:instancePath+"/experiment",schemaPath:"#/properties/experiment/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
}
if(data.job !== undefined){
let data3 = data.job;
if(!(((((data3 === "data") || (data3 === "sft")) || (data3 === "ppo")) || (data3 === "eval")) || (data3 === "export"))){
const err18 = {instancePath:instancePath+"/job",schemaPath:"#/properties/job/enum",keyword:"enum",params:{allowedValues: schema90.properties.job.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
}
if(data.status !== undefined){
let data4 = data.status;
if(!((((data4 === "running") || (data4 === "finished")) || (data4 === "failed")) || (data4 === "cancelled"))){
const err19 = {instancePath:instancePath+"/status",schemaPath:"#/properties/status/enum",keyword:"enum",params:{allowedValues: schema90.properties.status.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err19];
}
else {
vErrors.push(err19);
}
errors++;
}
}
if(data.createdAt !== undefined){
let data5 = data.createdAt;
if(typeof data5 === "string"){
if(!(formats0.test(data5))){
const err20 = {instancePath:instancePath+"/createdAt",schemaPath:"#/properties/createdAt/format",keyword:"format",params:{format: "date-time"},message:"must match format \""+"date-time"+"\""};
if(vErrors === null){
vErrors = [err20];
}
else {
vErrors.push(err20);
}
errors++;
}
}
else {
const err21 = {instancePath:instancePath+"/createdAt",schemaPath:"#/properties/createdAt/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err21];
}
else {
vErrors.push(err21);
}
errors++;
}
}
if(data.updatedAt !== undefined){
let data6 = data.updatedAt;
if(typeof data6 === "string"){
if(!(formats0.test(data6))){
const err22 = {instancePath:instancePath+"/updatedAt",schemaPath:"#/properties/updatedAt/format",keyword:"format",params:{format: "date-time"},message:"must match format \""+"date-time"+"\""};
if(vErrors === null){
vErrors = [err22];
}
else {
vErrors.push(err22);
}
errors++;
}
}
else {
const err23 = {instancePath:instancePath+"/updatedAt",schemaPath:"#/properties/updatedAt/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err23];
}
else {
vErrors.push(err23);
}
errors++;
}
}
if(data.heartbeatAt !== undefined){
let data7 = data.heartbeatAt;
if(typeof data7 === "string"){
if(!(formats0.test(data7))){
const err24 = {instancePath:instancePath+"/heartbeatAt",schemaPath:"#/properties/heartbeatAt/format",keyword:"format",params:{format: "date-time"},message:"must match format \""+"date-time"+"\""};
if(vErrors === null){
vErrors = [err24];
}
else {
vErrors.push(err24);
}
errors++;
}
}
else {
const err25 = {instancePath:instancePath+"/heartbeatAt",schemaPath:"#/properties/heartbeatAt/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err25];
}
else {
vErrors.push(err25);
}
errors++;
}
}
if(data.activeAt !== undefined){
let data8 = data.activeAt;
if(typeof data8 === "string"){
if(!(formats0.test(data8))){
const err26 = {instancePath:instancePath+"/activeAt",schemaPath:"#/properties/activeAt/format",keyword:"format",params:{format: "date-time"},message:"must match format \""+"date-time"+"\""};
if(vErrors === null){
vErrors = [err26];
}
else {
vErrors.push(err26);
}
errors++;
}
}
else {
const err27 = {instancePath:instancePath+"/activeAt",schemaPath:"#/properties/activeAt/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err27];
}
else {
vErrors.push(err27);
}
errors++;
}
}
if(data.endedAt !== undefined){
let data9 = data.endedAt;
if(typeof data9 === "string"){
if(!(formats0.test(data9))){
const err28 = {instancePath:instancePath+"/endedAt",schemaPath:"#/properties/endedAt/format",keyword:"format",params:{format: "date-time"},message:"must match format \""+"date-time"+"\""};
if(vErrors === null){
vErrors = [err28];
}
else {
vErrors.push(err28);
}
errors++;
}
}
else {
const err29 = {instancePath:instancePath+"/endedAt",schemaPath:"#/properties/endedAt/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err29];
}
else {
vErrors.push(err29);
}
errors++;
}
}
if(data.configPath !== undefined){
if(typeof data.configPath !== "string"){
const err30 = {instancePath:instancePath+"/configPath",schemaPath:"#/properties/configPath/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err30];
}
else {
vErrors.push(err30);
}
errors++;
}
}
if(data.config !== undefined){
let data11 = data.config;
if(!(data11 && typeof data11 == "object" && !Array.isArray(data11))){
const err31 = {instancePath:instancePath+"/config",schemaPath:"#/properties/config/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err31];
}
else {
vErrors.push(err31);
}
errors++;
}
}
if(data.scheduleVersion !== undefined){
let data12 = data.scheduleVersion;
if(!(((typeof data12 == "number") && (!(data12 % 1) && !isNaN(data12))) && (isFinite(data12)))){
const err32 = {instancePath:instancePath+"/scheduleVersion",schemaPath:"#/properties/scheduleVersion/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err32];
}
else {
vErrors.push(err32);
}
errors++;
}
if((typeof data12 == "number") && (isFinite(data12))){
if(data12 < 1 || isNaN(data12)){
const err33 = {instancePath:instancePath+"/scheduleVersion",schemaPath:"#/properties/scheduleVersion/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err33];
}
else {
vErrors.push(err33);
}
errors++;
}
}
}
if(data.configSha256 !== undefined){
let data13 = data.configSha256;
if(typeof data13 === "string"){
if(!pattern13.test(data13)){
const err34 = {instancePath:instancePath+"/configSha256",schemaPath:"#/properties/configSha256/pattern",keyword:"pattern",params:{pattern: "^[0-9a-f]{64}$"},message:"must match pattern \""+"^[0-9a-f]{64}$"+"\""};
if(vErrors === null){
vErrors = [err34];
}
else {
vErrors.push(err34);
}
errors++;
}
}
else {
const err35 = {instancePath:instancePath+"/configSha256",schemaPath:"#/properties/configSha256/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err35];
}
else {
vErrors.push(err35);
}
errors++;
}
}
if(data.command !== undefined){
let data14 = data.command;
if(Array.isArray(data14)){
if(data14.length < 1){
const err36 = {instancePath:instancePath+"/command",schemaPath:"#/properties/command/minItems",keyword:"minItems",params:{limit: 1},message:"must NOT have fewer than 1 items"};
if(vErrors === null){
vErrors = [err36];
}
else {
vErrors.push(err36);
}
errors++;
}
const len0 = data14.length;
for(let i0=0; i0<len0; i0++){
if(typeof data14[i0] !== "string"){
const err37 = {instancePath:instancePath+"/command/" + i0,schemaPath:"#/properties/command/items/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err37];
}
else {
vErrors.push(err37);
}
errors++;
}
}
}
else {
const err38 = {instancePath:instancePath+"/command",schemaPath:"#/properties/command/type",keyword:"type",params:{type: "array"},message:"must be array"};
if(vErrors === null){
vErrors = [err38];
}
else {
vErrors.push(err38);
}
errors++;
}
}
if(data.cwd !== undefined){
if(typeof data.cwd !== "string"){
const err39 = {instancePath:instancePath+"/cwd",schemaPath:"#/properties/cwd/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err39];
}
else {
vErrors.push(err39);
}
errors++;
}
}
if(data.init !== undefined){
if(typeof data.init !== "string"){
const err40 = {instancePath:instancePath+"/init",schemaPath:"#/properties/init/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err40];
}
else {
vErrors.push(err40);
}
errors++;
}
}
if(data.git !== undefined){
let data18 = data.git;
if((!(data18 && typeof data18 == "object" && !Array.isArray(data18))) && (data18 !== null)){
const err41 = {instancePath:instancePath+"/git",schemaPath:"#/properties/git/type",keyword:"type",params:{type: schema90.properties.git.type},message:"must be object,null"};
if(vErrors === null){
vErrors = [err41];
}
else {
vErrors.push(err41);
}
errors++;
}
if(data18 && typeof data18 == "object" && !Array.isArray(data18)){
if(data18.commit === undefined){
const err42 = {instancePath:instancePath+"/git",schemaPath:"#/properties/git/required",keyword:"required",params:{missingProperty: "commit"},message:"must have required property '"+"commit"+"'"};
if(vErrors === null){
vErrors = [err42];
}
else {
vErrors.push(err42);
}
errors++;
}
if(data18.dirty === undefined){
const err43 = {instancePath:instancePath+"/git",schemaPath:"#/properties/git/required",keyword:"required",params:{missingProperty: "dirty"},message:"must have required property '"+"dirty"+"'"};
if(vErrors === null){
vErrors = [err43];
}
else {
vErrors.push(err43);
}
errors++;
}
for(const key1 in data18){
if(!((key1 === "commit") || (key1 === "dirty"))){
const err44 = {instancePath:instancePath+"/git",schemaPath:"#/properties/git/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err44];
}
else {
vErrors.push(err44);
}
errors++;
}
}
if(data18.commit !== undefined){
let data19 = data18.commit;
if(typeof data19 === "string"){
if(!pattern14.test(data19)){
const err45 = {instancePath:instancePath+"/git/commit",schemaPath:"#/properties/git/properties/commit/pattern",keyword:"pattern",params:{pattern: "^[0-9a-f]{40}$"},message:"must match pattern \""+"^[0-9a-f]{40}$"+"\""};
if(vErrors === null){
vErrors = [err45];
}
else {
vErrors.push(err45);
}
errors++;
}
}
else {
const err46 = {instancePath:instancePath+"/git/commit",schemaPath:"#/properties/git/properties/commit/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err46];
}
else {
vErrors.push(err46);
}
errors++;
}
}
if(data18.dirty !== undefined){
if(typeof data18.dirty !== "boolean"){
const err47 = {instancePath:instancePath+"/git/dirty",schemaPath:"#/properties/git/properties/dirty/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};
if(vErrors === null){
vErrors = [err47];
}
else {
vErrors.push(err47);
}
errors++;
}
}
}
}
if(data.packages !== undefined){
let data21 = data.packages;
if(data21 && typeof data21 == "object" && !Array.isArray(data21)){
for(const key2 in data21){
if(typeof data21[key2] !== "string"){
const err48 = {instancePath:instancePath+"/packages/" + key2.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/properties/packages/additionalProperties/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err48];
}
else {
vErrors.push(err48);
}
errors++;
}
}
}
else {
const err49 = {instancePath:instancePath+"/packages",schemaPath:"#/properties/packages/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err49];
}
else {
vErrors.push(err49);
}
errors++;
}
}
if(data.seeds !== undefined){
let data23 = data.seeds;
if(data23 && typeof data23 == "object" && !Array.isArray(data23)){
if(data23.global === undefined){
const err50 = {instancePath:instancePath+"/seeds",schemaPath:"#/properties/seeds/required",keyword:"required",params:{missingProperty: "global"},message:"must have required property '"+"global"+"'"};
if(vErrors === null){
vErrors = [err50];
}
else {
vErrors.push(err50);
}
errors++;
}
for(const key3 in data23){
if(!(key3 === "global")){
let data24 = data23[key3];
if(!(((typeof data24 == "number") && (!(data24 % 1) && !isNaN(data24))) && (isFinite(data24)))){
const err51 = {instancePath:instancePath+"/seeds/" + key3.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/properties/seeds/additionalProperties/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err51];
}
else {
vErrors.push(err51);
}
errors++;
}
if((typeof data24 == "number") && (isFinite(data24))){
if(data24 < 0 || isNaN(data24)){
const err52 = {instancePath:instancePath+"/seeds/" + key3.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/properties/seeds/additionalProperties/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err52];
}
else {
vErrors.push(err52);
}
errors++;
}
}
}
}
if(data23.global !== undefined){
let data25 = data23.global;
if(!(((typeof data25 == "number") && (!(data25 % 1) && !isNaN(data25))) && (isFinite(data25)))){
const err53 = {instancePath:instancePath+"/seeds/global",schemaPath:"#/properties/seeds/properties/global/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err53];
}
else {
vErrors.push(err53);
}
errors++;
}
if((typeof data25 == "number") && (isFinite(data25))){
if(data25 < 0 || isNaN(data25)){
const err54 = {instancePath:instancePath+"/seeds/global",schemaPath:"#/properties/seeds/properties/global/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err54];
}
else {
vErrors.push(err54);
}
errors++;
}
}
}
}
else {
const err55 = {instancePath:instancePath+"/seeds",schemaPath:"#/properties/seeds/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err55];
}
else {
vErrors.push(err55);
}
errors++;
}
}
if(data.host !== undefined){
let data26 = data.host;
if(data26 && typeof data26 == "object" && !Array.isArray(data26)){
if(data26.hostname === undefined){
const err56 = {instancePath:instancePath+"/host",schemaPath:"#/properties/host/required",keyword:"required",params:{missingProperty: "hostname"},message:"must have required property '"+"hostname"+"'"};
if(vErrors === null){
vErrors = [err56];
}
else {
vErrors.push(err56);
}
errors++;
}
if(data26.platform === undefined){
const err57 = {instancePath:instancePath+"/host",schemaPath:"#/properties/host/required",keyword:"required",params:{missingProperty: "platform"},message:"must have required property '"+"platform"+"'"};
if(vErrors === null){
vErrors = [err57];
}
else {
vErrors.push(err57);
}
errors++;
}
for(const key4 in data26){
if(!((((((key4 === "hostname") || (key4 === "platform")) || (key4 === "python")) || (key4 === "cpuCount")) || (key4 === "pid")) || (key4 === "slurmJobId"))){
const err58 = {instancePath:instancePath+"/host",schemaPath:"#/properties/host/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key4},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err58];
}
else {
vErrors.push(err58);
}
errors++;
}
}
if(data26.hostname !== undefined){
if(typeof data26.hostname !== "string"){
const err59 = {instancePath:instancePath+"/host/hostname",schemaPath:"#/properties/host/properties/hostname/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err59];
}
else {
vErrors.push(err59);
}
errors++;
}
}
if(data26.platform !== undefined){
if(typeof data26.platform !== "string"){
const err60 = {instancePath:instancePath+"/host/platform",schemaPath:"#/properties/host/properties/platform/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err60];
}
else {
vErrors.push(err60);
}
errors++;
}
}
if(data26.python !== undefined){
if(typeof data26.python !== "string"){
const err61 = {instancePath:instancePath+"/host/python",schemaPath:"#/properties/host/properties/python/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err61];
}
else {
vErrors.push(err61);
}
errors++;
}
}
if(data26.cpuCount !== undefined){
let data30 = data26.cpuCount;
if(!(((typeof data30 == "number") && (!(data30 % 1) && !isNaN(data30))) && (isFinite(data30)))){
const err62 = {instancePath:instancePath+"/host/cpuCount",schemaPath:"#/properties/host/properties/cpuCount/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err62];
}
else {
vErrors.push(err62);
}
errors++;
}
if((typeof data30 == "number") && (isFinite(data30))){
if(data30 < 1 || isNaN(data30)){
const err63 = {instancePath:instancePath+"/host/cpuCount",schemaPath:"#/properties/host/properties/cpuCount/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err63];
}
else {
vErrors.push(err63);
}
errors++;
}
}
}
if(data26.pid !== undefined){
let data31 = data26.pid;
if(!(((typeof data31 == "number") && (!(data31 % 1) && !isNaN(data31))) && (isFinite(data31)))){
const err64 = {instancePath:instancePath+"/host/pid",schemaPath:"#/properties/host/properties/pid/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err64];
}
else {
vErrors.push(err64);
}
errors++;
}
if((typeof data31 == "number") && (isFinite(data31))){
if(data31 < 1 || isNaN(data31)){
const err65 = {instancePath:instancePath+"/host/pid",schemaPath:"#/properties/host/properties/pid/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err65];
}
else {
vErrors.push(err65);
}
errors++;
}
}
}
if(data26.slurmJobId !== undefined){
if(typeof data26.slurmJobId !== "string"){
const err66 = {instancePath:instancePath+"/host/slurmJobId",schemaPath:"#/properties/host/properties/slurmJobId/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err66];
}
else {
vErrors.push(err66);
}
errors++;
}
}
}
else {
const err67 = {instancePath:instancePath+"/host",schemaPath:"#/properties/host/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err67];
}
else {
vErrors.push(err67);
}
errors++;
}
}
if(data.gpus !== undefined){
let data33 = data.gpus;
if(Array.isArray(data33)){
const len1 = data33.length;
for(let i1=0; i1<len1; i1++){
let data34 = data33[i1];
if(data34 && typeof data34 == "object" && !Array.isArray(data34)){
if(data34.index === undefined){
const err68 = {instancePath:instancePath+"/gpus/" + i1,schemaPath:"#/properties/gpus/items/required",keyword:"required",params:{missingProperty: "index"},message:"must have required property '"+"index"+"'"};
if(vErrors === null){
vErrors = [err68];
}
else {
vErrors.push(err68);
}
errors++;
}
if(data34.name === undefined){
const err69 = {instancePath:instancePath+"/gpus/" + i1,schemaPath:"#/properties/gpus/items/required",keyword:"required",params:{missingProperty: "name"},message:"must have required property '"+"name"+"'"};
if(vErrors === null){
vErrors = [err69];
}
else {
vErrors.push(err69);
}
errors++;
}
for(const key5 in data34){
if(!(((key5 === "index") || (key5 === "name")) || (key5 === "memoryMiB"))){
const err70 = {instancePath:instancePath+"/gpus/" + i1,schemaPath:"#/properties/gpus/items/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key5},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err70];
}
else {
vErrors.push(err70);
}
errors++;
}
}
if(data34.index !== undefined){
let data35 = data34.index;
if(!(((typeof data35 == "number") && (!(data35 % 1) && !isNaN(data35))) && (isFinite(data35)))){
const err71 = {instancePath:instancePath+"/gpus/" + i1+"/index",schemaPath:"#/properties/gpus/items/properties/index/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err71];
}
else {
vErrors.push(err71);
}
errors++;
}
if((typeof data35 == "number") && (isFinite(data35))){
if(data35 < 0 || isNaN(data35)){
const err72 = {instancePath:instancePath+"/gpus/" + i1+"/index",schemaPath:"#/properties/gpus/items/properties/index/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err72];
}
else {
vErrors.push(err72);
}
errors++;
}
}
}
if(data34.name !== undefined){
if(typeof data34.name !== "string"){
const err73 = {instancePath:instancePath+"/gpus/" + i1+"/name",schemaPath:"#/properties/gpus/items/properties/name/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err73];
}
else {
vErrors.push(err73);
}
errors++;
}
}
if(data34.memoryMiB !== undefined){
let data37 = data34.memoryMiB;
if(!(((typeof data37 == "number") && (!(data37 % 1) && !isNaN(data37))) && (isFinite(data37)))){
const err74 = {instancePath:instancePath+"/gpus/" + i1+"/memoryMiB",schemaPath:"#/properties/gpus/items/properties/memoryMiB/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err74];
}
else {
vErrors.push(err74);
}
errors++;
}
if((typeof data37 == "number") && (isFinite(data37))){
if(data37 < 0 || isNaN(data37)){
const err75 = {instancePath:instancePath+"/gpus/" + i1+"/memoryMiB",schemaPath:"#/properties/gpus/items/properties/memoryMiB/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err75];
}
else {
vErrors.push(err75);
}
errors++;
}
}
}
}
else {
const err76 = {instancePath:instancePath+"/gpus/" + i1,schemaPath:"#/properties/gpus/items/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err76];
}
else {
vErrors.push(err76);
}
errors++;
}
}
}
else {
const err77 = {instancePath:instancePath+"/gpus",schemaPath:"#/properties/gpus/type",keyword:"type",params:{type: "array"},message:"must be array"};
if(vErrors === null){
vErrors = [err77];
}
else {
vErrors.push(err77);
}
errors++;
}
}
if(data.parameters !== undefined){
let data38 = data.parameters;
if(!(((typeof data38 == "number") && (!(data38 % 1) && !isNaN(data38))) && (isFinite(data38)))){
const err78 = {instancePath:instancePath+"/parameters",schemaPath:"#/properties/parameters/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err78];
}
else {
vErrors.push(err78);
}
errors++;
}
if((typeof data38 == "number") && (isFinite(data38))){
if(data38 < 0 || isNaN(data38)){
const err79 = {instancePath:instancePath+"/parameters",schemaPath:"#/properties/parameters/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err79];
}
else {
vErrors.push(err79);
}
errors++;
}
}
}
if(data.progress !== undefined){
let data39 = data.progress;
if(data39 && typeof data39 == "object" && !Array.isArray(data39)){
if(data39.step === undefined){
const err80 = {instancePath:instancePath+"/progress",schemaPath:"#/properties/progress/required",keyword:"required",params:{missingProperty: "step"},message:"must have required property '"+"step"+"'"};
if(vErrors === null){
vErrors = [err80];
}
else {
vErrors.push(err80);
}
errors++;
}
for(const key6 in data39){
if(!((key6 === "step") || (key6 === "totalSteps"))){
const err81 = {instancePath:instancePath+"/progress",schemaPath:"#/properties/progress/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key6},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err81];
}
else {
vErrors.push(err81);
}
errors++;
}
}
if(data39.step !== undefined){
let data40 = data39.step;
if(!(((typeof data40 == "number") && (!(data40 % 1) && !isNaN(data40))) && (isFinite(data40)))){
const err82 = {instancePath:instancePath+"/progress/step",schemaPath:"#/properties/progress/properties/step/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err82];
}
else {
vErrors.push(err82);
}
errors++;
}
if((typeof data40 == "number") && (isFinite(data40))){
if(data40 < 0 || isNaN(data40)){
const err83 = {instancePath:instancePath+"/progress/step",schemaPath:"#/properties/progress/properties/step/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err83];
}
else {
vErrors.push(err83);
}
errors++;
}
}
}
if(data39.totalSteps !== undefined){
let data41 = data39.totalSteps;
if(!(((typeof data41 == "number") && (!(data41 % 1) && !isNaN(data41))) && (isFinite(data41)))){
const err84 = {instancePath:instancePath+"/progress/totalSteps",schemaPath:"#/properties/progress/properties/totalSteps/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err84];
}
else {
vErrors.push(err84);
}
errors++;
}
if((typeof data41 == "number") && (isFinite(data41))){
if(data41 < 0 || isNaN(data41)){
const err85 = {instancePath:instancePath+"/progress/totalSteps",schemaPath:"#/properties/progress/properties/totalSteps/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err85];
}
else {
vErrors.push(err85);
}
errors++;
}
}
}
}
else {
const err86 = {instancePath:instancePath+"/progress",schemaPath:"#/properties/progress/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err86];
}
else {
vErrors.push(err86);
}
errors++;
}
}
if(data.checkpoints !== undefined){
let data42 = data.checkpoints;
if(Array.isArray(data42)){
const len2 = data42.length;
for(let i2=0; i2<len2; i2++){
let data43 = data42[i2];
if(data43 && typeof data43 == "object" && !Array.isArray(data43)){
if(data43.step === undefined){
const err87 = {instancePath:instancePath+"/checkpoints/" + i2,schemaPath:"#/properties/checkpoints/items/required",keyword:"required",params:{missingProperty: "step"},message:"must have required property '"+"step"+"'"};
if(vErrors === null){
vErrors = [err87];
}
else {
vErrors.push(err87);
}
errors++;
}
if(data43.path === undefined){
const err88 = {instancePath:instancePath+"/checkpoints/" + i2,schemaPath:"#/properties/checkpoints/items/required",keyword:"required",params:{missingProperty: "path"},message:"must have required property '"+"path"+"'"};
if(vErrors === null){
vErrors = [err88];
}
else {
vErrors.push(err88);
}
errors++;
}
if(data43.createdAt === undefined){
const err89 = {instancePath:instancePath+"/checkpoints/" + i2,schemaPath:"#/properties/checkpoints/items/required",keyword:"required",params:{missingProperty: "createdAt"},message:"must have required property '"+"createdAt"+"'"};
if(vErrors === null){
vErrors = [err89];
}
else {
vErrors.push(err89);
}
errors++;
}
for(const key7 in data43){
if(!(((key7 === "step") || (key7 === "path")) || (key7 === "createdAt"))){
const err90 = {instancePath:instancePath+"/checkpoints/" + i2,schemaPath:"#/properties/checkpoints/items/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key7},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err90];
}
else {
vErrors.push(err90);
}
errors++;
}
}
if(data43.step !== undefined){
let data44 = data43.step;
if(!(((typeof data44 == "number") && (!(data44 % 1) && !isNaN(data44))) && (isFinite(data44)))){
const err91 = {instancePath:instancePath+"/checkpoints/" + i2+"/step",schemaPath:"#/properties/checkpoints/items/properties/step/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err91];
}
else {
vErrors.push(err91);
}
errors++;
}
if((typeof data44 == "number") && (isFinite(data44))){
if(data44 < 0 || isNaN(data44)){
const err92 = {instancePath:instancePath+"/checkpoints/" + i2+"/step",schemaPath:"#/properties/checkpoints/items/properties/step/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err92];
}
else {
vErrors.push(err92);
}
errors++;
}
}
}
if(data43.path !== undefined){
if(typeof data43.path !== "string"){
const err93 = {instancePath:instancePath+"/checkpoints/" + i2+"/path",schemaPath:"#/properties/checkpoints/items/properties/path/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err93];
}
else {
vErrors.push(err93);
}
errors++;
}
}
if(data43.createdAt !== undefined){
let data46 = data43.createdAt;
if(typeof data46 === "string"){
if(!(formats0.test(data46))){
const err94 = {instancePath:instancePath+"/checkpoints/" + i2+"/createdAt",schemaPath:"#/properties/checkpoints/items/properties/createdAt/format",keyword:"format",params:{format: "date-time"},message:"must match format \""+"date-time"+"\""};
if(vErrors === null){
vErrors = [err94];
}
else {
vErrors.push(err94);
}
errors++;
}
}
else {
const err95 = {instancePath:instancePath+"/checkpoints/" + i2+"/createdAt",schemaPath:"#/properties/checkpoints/items/properties/createdAt/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err95];
}
else {
vErrors.push(err95);
}
errors++;
}
}
}
else {
const err96 = {instancePath:instancePath+"/checkpoints/" + i2,schemaPath:"#/properties/checkpoints/items/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err96];
}
else {
vErrors.push(err96);
}
errors++;
}
}
}
else {
const err97 = {instancePath:instancePath+"/checkpoints",schemaPath:"#/properties/checkpoints/type",keyword:"type",params:{type: "array"},message:"must be array"};
if(vErrors === null){
vErrors = [err97];
}
else {
vErrors.push(err97);
}
errors++;
}
}
if(data.segments !== undefined){
let data47 = data.segments;
if(Array.isArray(data47)){
const len3 = data47.length;
for(let i3=0; i3<len3; i3++){
let data48 = data47[i3];
if(data48 && typeof data48 == "object" && !Array.isArray(data48)){
if(data48.index === undefined){
const err98 = {instancePath:instancePath+"/segments/" + i3,schemaPath:"#/properties/segments/items/required",keyword:"required",params:{missingProperty: "index"},message:"must have required property '"+"index"+"'"};
if(vErrors === null){
vErrors = [err98];
}
else {
vErrors.push(err98);
}
errors++;
}
if(data48.startedAt === undefined){
const err99 = {instancePath:instancePath+"/segments/" + i3,schemaPath:"#/properties/segments/items/required",keyword:"required",params:{missingProperty: "startedAt"},message:"must have required property '"+"startedAt"+"'"};
if(vErrors === null){
vErrors = [err99];
}
else {
vErrors.push(err99);
}
errors++;
}
if(data48.startStep === undefined){
const err100 = {instancePath:instancePath+"/segments/" + i3,schemaPath:"#/properties/segments/items/required",keyword:"required",params:{missingProperty: "startStep"},message:"must have required property '"+"startStep"+"'"};
if(vErrors === null){
vErrors = [err100];
}
else {
vErrors.push(err100);
}
errors++;
}
for(const key8 in data48){
if(!(((((key8 === "index") || (key8 === "startedAt")) || (key8 === "startStep")) || (key8 === "endedAt")) || (key8 === "endStatus"))){
const err101 = {instancePath:instancePath+"/segments/" + i3,schemaPath:"#/properties/segments/items/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key8},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err101];
}
else {
vErrors.push(err101);
}
errors++;
}
}
if(data48.index !== undefined){
let data49 = data48.index;
if(!(((typeof data49 == "number") && (!(data49 % 1) && !isNaN(data49))) && (isFinite(data49)))){
const err102 = {instancePath:instancePath+"/segments/" + i3+"/index",schemaPath:"#/properties/segments/items/properties/index/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err102];
}
else {
vErrors.push(err102);
}
errors++;
}
if((typeof data49 == "number") && (isFinite(data49))){
if(data49 < 0 || isNaN(data49)){
const err103 = {instancePath:instancePath+"/segments/" + i3+"/index",schemaPath:"#/properties/segments/items/properties/index/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err103];
}
else {
vErrors.push(err103);
}
errors++;
}
}
}
if(data48.startedAt !== undefined){
let data50 = data48.startedAt;
if(typeof data50 === "string"){
if(!(formats0.test(data50))){
const err104 = {instancePath:instancePath+"/segments/" + i3+"/startedAt",schemaPath:"#/properties/segments/items/properties/startedAt/format",keyword:"format",params:{format: "date-time"},message:"must match format \""+"date-time"+"\""};
if(vErrors === null){
vErrors = [err104];
}
else {
vErrors.push(err104);
}
errors++;
}
}
else {
const err105 = {instancePath:instancePath+"/segments/" + i3+"/startedAt",schemaPath:"#/properties/segments/items/properties/startedAt/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err105];
}
else {
vErrors.push(err105);
}
errors++;
}
}
if(data48.startStep !== undefined){
let data51 = data48.startStep;
if(!(((typeof data51 == "number") && (!(data51 % 1) && !isNaN(data51))) && (isFinite(data51)))){
const err106 = {instancePath:instancePath+"/segments/" + i3+"/startStep",schemaPath:"#/properties/segments/items/properties/startStep/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err106];
}
else {
vErrors.push(err106);
}
errors++;
}
if((typeof data51 == "number") && (isFinite(data51))){
if(data51 < 0 || isNaN(data51)){
const err107 = {instancePath:instancePath+"/segments/" + i3+"/startStep",schemaPath:"#/properties/segments/items/properties/startStep/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err107];
}
else {
vErrors.push(err107);
}
errors++;
}
}
}
if(data48.endedAt !== undefined){
let data52 = data48.endedAt;
if(typeof data52 === "string"){
if(!(formats0.test(data52))){
const err108 = {instancePath:instancePath+"/segments/" + i3+"/endedAt",schemaPath:"#/properties/segments/items/properties/endedAt/format",keyword:"format",params:{format: "date-time"},message:"must match format \""+"date-time"+"\""};
if(vErrors === null){
vErrors = [err108];
}
else {
vErrors.push(err108);
}
errors++;
}
}
else {
const err109 = {instancePath:instancePath+"/segments/" + i3+"/endedAt",schemaPath:"#/properties/segments/items/properties/endedAt/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err109];
}
else {
vErrors.push(err109);
}
errors++;
}
}
if(data48.endStatus !== undefined){
let data53 = data48.endStatus;
if(!((((data53 === "finished") || (data53 === "failed")) || (data53 === "cancelled")) || (data53 === "crashed"))){
const err110 = {instancePath:instancePath+"/segments/" + i3+"/endStatus",schemaPath:"#/properties/segments/items/properties/endStatus/enum",keyword:"enum",params:{allowedValues: schema90.properties.segments.items.properties.endStatus.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err110];
}
else {
vErrors.push(err110);
}
errors++;
}
}
}
else {
const err111 = {instancePath:instancePath+"/segments/" + i3,schemaPath:"#/properties/segments/items/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err111];
}
else {
vErrors.push(err111);
}
errors++;
}
}
}
else {
const err112 = {instancePath:instancePath+"/segments",schemaPath:"#/properties/segments/type",keyword:"type",params:{type: "array"},message:"must be array"};
if(vErrors === null){
vErrors = [err112];
}
else {
vErrors.push(err112);
}
errors++;
}
}
if(data.error !== undefined){
let data54 = data.error;
if(data54 && typeof data54 == "object" && !Array.isArray(data54)){
if(data54.message === undefined){
const err113 = {instancePath:instancePath+"/error",schemaPath:"#/properties/error/required",keyword:"required",params:{missingProperty: "message"},message:"must have required property '"+"message"+"'"};
if(vErrors === null){
vErrors = [err113];
}
else {
vErrors.push(err113);
}
errors++;
}
for(const key9 in data54){
if(!((key9 === "message") || (key9 === "traceback"))){
const err114 = {instancePath:instancePath+"/error",schemaPath:"#/properties/error/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key9},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err114];
}
else {
vErrors.push(err114);
}
errors++;
}
}
if(data54.message !== undefined){
if(typeof data54.message !== "string"){
const err115 = {instancePath:instancePath+"/error/message",schemaPath:"#/properties/error/properties/message/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err115];
}
else {
vErrors.push(err115);
}
errors++;
}
}
if(data54.traceback !== undefined){
if(typeof data54.traceback !== "string"){
const err116 = {instancePath:instancePath+"/error/traceback",schemaPath:"#/properties/error/properties/traceback/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err116];
}
else {
vErrors.push(err116);
}
errors++;
}
}
}
else {
const err117 = {instancePath:instancePath+"/error",schemaPath:"#/properties/error/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err117];
}
else {
vErrors.push(err117);
}
errors++;
}
}
if(data.files !== undefined){
let data57 = data.files;
if(data57 && typeof data57 == "object" && !Array.isArray(data57)){
for(const key10 in data57){
if(!((((key10 === "metrics") || (key10 === "episodes")) || (key10 === "log")) || (key10 === "tokens"))){
const err118 = {instancePath:instancePath+"/files",schemaPath:"#/properties/files/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key10},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err118];
}
else {
vErrors.push(err118);
}
errors++;
}
}
if(data57.metrics !== undefined){
if(typeof data57.metrics !== "string"){
const err119 = {instancePath:instancePath+"/files/metrics",schemaPath:"#/properties/files/properties/metrics/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err119];
}
else {
vErrors.push(err119);
}
errors++;
}
}
if(data57.episodes !== undefined){
if(typeof data57.episodes !== "string"){
const err120 = {instancePath:instancePath+"/files/episodes",schemaPath:"#/properties/files/properties/episodes/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err120];
}
else {
vErrors.push(err120);
}
errors++;
}
}
if(data57.log !== undefined){
if(typeof data57.log !== "string"){
const err121 = {instancePath:instancePath+"/files/log",schemaPath:"#/properties/files/properties/log/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err121];
}
else {
vErrors.push(err121);
}
errors++;
}
}
if(data57.tokens !== undefined){
if(typeof data57.tokens !== "string"){
const err122 = {instancePath:instancePath+"/files/tokens",schemaPath:"#/properties/files/properties/tokens/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err122];
}
else {
vErrors.push(err122);
}
errors++;
}
}
}
else {
const err123 = {instancePath:instancePath+"/files",schemaPath:"#/properties/files/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err123];
}
else {
vErrors.push(err123);
}
errors++;
}
}
if(data.evaluationDecoding !== undefined){
let data62 = data.evaluationDecoding;
if(data62 && typeof data62 == "object" && !Array.isArray(data62)){
if(data62.source === undefined){
const err124 = {instancePath:instancePath+"/evaluationDecoding",schemaPath:"metric-record.schema.json#/$defs/decoding/required",keyword:"required",params:{missingProperty: "source"},message:"must have required property '"+"source"+"'"};
if(vErrors === null){
vErrors = [err124];
}
else {
vErrors.push(err124);
}
errors++;
}
if(data62.doSample === undefined){
const err125 = {instancePath:instancePath+"/evaluationDecoding",schemaPath:"metric-record.schema.json#/$defs/decoding/required",keyword:"required",params:{missingProperty: "doSample"},message:"must have required property '"+"doSample"+"'"};
if(vErrors === null){
vErrors = [err125];
}
else {
vErrors.push(err125);
}
errors++;
}
if(data62.maxNewTokens === undefined){
const err126 = {instancePath:instancePath+"/evaluationDecoding",schemaPath:"metric-record.schema.json#/$defs/decoding/required",keyword:"required",params:{missingProperty: "maxNewTokens"},message:"must have required property '"+"maxNewTokens"+"'"};
if(vErrors === null){
vErrors = [err126];
}
else {
vErrors.push(err126);
}
errors++;
}
for(const key11 in data62){
if(!(((((((key11 === "source") || (key11 === "doSample")) || (key11 === "temperature")) || (key11 === "topP")) || (key11 === "topK")) || (key11 === "draws")) || (key11 === "maxNewTokens"))){
const err127 = {instancePath:instancePath+"/evaluationDecoding",schemaPath:"metric-record.schema.json#/$defs/decoding/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key11},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err127];
}
else {
vErrors.push(err127);
}
errors++;
}
}
if(data62.source !== undefined){
let data63 = data62.source;
if(!((data63 === "configured") || (data63 === "model-defaults"))){
const err128 = {instancePath:instancePath+"/evaluationDecoding/source",schemaPath:"metric-record.schema.json#/$defs/decoding/properties/source/enum",keyword:"enum",params:{allowedValues: schema45.properties.source.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err128];
}
else {
vErrors.push(err128);
}
errors++;
}
}
if(data62.doSample !== undefined){
if(typeof data62.doSample !== "boolean"){
const err129 = {instancePath:instancePath+"/evaluationDecoding/doSample",schemaPath:"metric-record.schema.json#/$defs/decoding/properties/doSample/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};
if(vErrors === null){
vErrors = [err129];
}
else {
vErrors.push(err129);
}
errors++;
}
}
if(data62.temperature !== undefined){
let data65 = data62.temperature;
if((typeof data65 == "number") && (isFinite(data65))){
if(data65 < 0 || isNaN(data65)){
const err130 = {instancePath:instancePath+"/evaluationDecoding/temperature",schemaPath:"metric-record.schema.json#/$defs/decoding/properties/temperature/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err130];
}
else {
vErrors.push(err130);
}
errors++;
}
}
else {
const err131 = {instancePath:instancePath+"/evaluationDecoding/temperature",schemaPath:"metric-record.schema.json#/$defs/decoding/properties/temperature/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err131];
}
else {
vErrors.push(err131);
}
errors++;
}
}
if(data62.topP !== undefined){
let data66 = data62.topP;
if((typeof data66 == "number") && (isFinite(data66))){
if(data66 > 1 || isNaN(data66)){
const err132 = {instancePath:instancePath+"/evaluationDecoding/topP",schemaPath:"metric-record.schema.json#/$defs/decoding/properties/topP/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1},message:"must be <= 1"};
if(vErrors === null){
vErrors = [err132];
}
else {
vErrors.push(err132);
}
errors++;
}
if(data66 < 0 || isNaN(data66)){
const err133 = {instancePath:instancePath+"/evaluationDecoding/topP",schemaPath:"metric-record.schema.json#/$defs/decoding/properties/topP/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err133];
}
else {
vErrors.push(err133);
}
errors++;
}
}
else {
const err134 = {instancePath:instancePath+"/evaluationDecoding/topP",schemaPath:"metric-record.schema.json#/$defs/decoding/properties/topP/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err134];
}
else {
vErrors.push(err134);
}
errors++;
}
}
if(data62.topK !== undefined){
let data67 = data62.topK;
if(!(((typeof data67 == "number") && (!(data67 % 1) && !isNaN(data67))) && (isFinite(data67)))){
const err135 = {instancePath:instancePath+"/evaluationDecoding/topK",schemaPath:"metric-record.schema.json#/$defs/decoding/properties/topK/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err135];
}
else {
vErrors.push(err135);
}
errors++;
}
if((typeof data67 == "number") && (isFinite(data67))){
if(data67 < 0 || isNaN(data67)){
const err136 = {instancePath:instancePath+"/evaluationDecoding/topK",schemaPath:"metric-record.schema.json#/$defs/decoding/properties/topK/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err136];
}
else {
vErrors.push(err136);
}
errors++;
}
}
}
if(data62.draws !== undefined){
let data68 = data62.draws;
if(!((data68 === "per-episode") || (data68 === "per-process"))){
const err137 = {instancePath:instancePath+"/evaluationDecoding/draws",schemaPath:"metric-record.schema.json#/$defs/decoding/properties/draws/enum",keyword:"enum",params:{allowedValues: schema45.properties.draws.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err137];
}
else {
vErrors.push(err137);
}
errors++;
}
}
if(data62.maxNewTokens !== undefined){
let data69 = data62.maxNewTokens;
if(!(((typeof data69 == "number") && (!(data69 % 1) && !isNaN(data69))) && (isFinite(data69)))){
const err138 = {instancePath:instancePath+"/evaluationDecoding/maxNewTokens",schemaPath:"metric-record.schema.json#/$defs/decoding/properties/maxNewTokens/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err138];
}
else {
vErrors.push(err138);
}
errors++;
}
if((typeof data69 == "number") && (isFinite(data69))){
if(data69 < 1 || isNaN(data69)){
const err139 = {instancePath:instancePath+"/evaluationDecoding/maxNewTokens",schemaPath:"metric-record.schema.json#/$defs/decoding/properties/maxNewTokens/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err139];
}
else {
vErrors.push(err139);
}
errors++;
}
}
}
}
else {
const err140 = {instancePath:instancePath+"/evaluationDecoding",schemaPath:"metric-record.schema.json#/$defs/decoding/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err140];
}
else {
vErrors.push(err140);
}
errors++;
}
}
}
else {
const err141 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err141];
}
else {
vErrors.push(err141);
}
errors++;
}
validate48.errors = vErrors;
return errors === 0;
}
validate48.evaluated = {"props":true,"dynamicProps":false,"dynamicItems":false};

export const tokenRecord = validate49;
const schema92 = {"$schema":"https://json-schema.org/draft/2020-12/schema","$id":"https://schemas.ptlab.invalid/token-record.schema.json","title":"Post-Training Lab per-token record (one line of tokens.jsonl)","description":"The tokens of one sampled PPO rollout turn, written next to episodes.jsonl when the turn's episode record is written (logging.tokenRecordRate). The record of the turn is the line of episodes.jsonl with the same step, split and episode; `turn` is its index in that record's turns. Per-token values are little-endian arrays, base64-encoded, all of `tokens` entries: float32 for log-probs and the like, int32 for ids and text offsets. Read them with numpy: `np.frombuffer(base64.b64decode(line['sampling']), '<f4')`.","type":"object","required":["runId","step","split","episode","turn","tokens","ids","textEnds","sampling","training","entropy","ratio","weight","advantage","return","reward"],"additionalProperties":false,"properties":{"runId":{"type":"string","minLength":1},"step":{"type":"integer","minimum":0,"description":"The update whose rollout the turn's episode finished in (its record's step)."},"split":{"type":"string","minLength":1,"description":"The record's split: train."},"episode":{"type":"integer","minimum":0,"description":"The record's episode number (within its step and split)."},"turn":{"type":"integer","minimum":0,"description":"The turn's index in the record's turns."},"update":{"type":"integer","minimum":1,"description":"The update that trained on the turn (the record's step, or earlier for a turn of an episode that went on past an update)."},"tokens":{"type":"integer","minimum":1,"description":"How many tokens the turn generated: the length of every array."},"ids":{"$ref":"#/$defs/int32","description":"The generated token ids."},"textEnds":{"$ref":"#/$defs/int32","description":"Where each token's text ends in the turn's output (UTF-16 code units, as JavaScript strings index); a token past the output's text (the stop token) ends at its length."},"sampling":{"$ref":"#/$defs/float32","description":"Each token's log-prob under the distribution the rollout sampled it from (temperature applied)."},"training":{"$ref":"#/$defs/float32","description":"Each token's log-prob under the training forward pass with the rollout's weights, before the update (temperature applied)."},"entropy":{"$ref":"#/$defs/float32","description":"The entropy (nats) of the training forward's next-token distribution at each token."},"ratio":{"$ref":"#/$defs/float32","description":"Each token's probability ratio to the old policy in the update's last training pass over the turn (its last epoch): exp(log-prob - old log-prob)."},"weight":{"$ref":"#/$defs/float32","description":"Each token's weight in the turn's log-prob (ppo.thoughtWeight for reasoning tokens, 1 for the answer)."},"advantage":{"type":"number","description":"The turn's advantage, as the update used it (normalized)."},"value":{"type":["number","null"],"description":"The value head's estimate at the turn's prompt; null without a value head (group advantages)."},"return":{"type":"number","description":"The return the advantage was computed from."},"reward":{"type":"number","description":"The turn's trained reward."},"clip":{"type":"number","exclusiveMinimum":0,"description":"ppo.clip: ratios beyond 1 +- clip were clipped."}},"$defs":{"float32":{"type":"string","pattern":"^[A-Za-z0-9+/]*={0,2}$","description":"Little-endian float32 values, base64."},"int32":{"type":"string","pattern":"^[A-Za-z0-9+/]*={0,2}$","description":"Little-endian int32 values, base64."}}};
const schema93 = {"type":"string","pattern":"^[A-Za-z0-9+/]*={0,2}$","description":"Little-endian int32 values, base64."};
const schema95 = {"type":"string","pattern":"^[A-Za-z0-9+/]*={0,2}$","description":"Little-endian float32 values, base64."};
const pattern15 = new RegExp("^[A-Za-z0-9+/]*={0,2}$", "u");

function validate49(data, {instancePath="", parentData, parentDataProperty, rootData=data, dynamicAnchors={}}={}){
/*# sourceURL="https://schemas.ptlab.invalid/token-record.schema.json" */;
let vErrors = null;
let errors = 0;
const evaluated0 = validate49.evaluated;
if(evaluated0.dynamicProps){
evaluated0.props = undefined;
}
if(evaluated0.dynamicItems){
evaluated0.items = undefined;
}
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.runId === undefined){
const err0 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "runId"},message:"must have required property '"+"runId"+"'"};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
if(data.step === undefined){
const err1 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "step"},message:"must have required property '"+"step"+"'"};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
if(data.split === undefined){
const err2 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "split"},message:"must have required property '"+"split"+"'"};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
if(data.episode === undefined){
const err3 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "episode"},message:"must have required property '"+"episode"+"'"};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
if(data.turn === undefined){
const err4 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "turn"},message:"must have required property '"+"turn"+"'"};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
if(data.tokens === undefined){
const err5 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "tokens"},message:"must have required property '"+"tokens"+"'"};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
if(data.ids === undefined){
const err6 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "ids"},message:"must have required property '"+"ids"+"'"};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
if(data.textEnds === undefined){
const err7 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "textEnds"},message:"must have required property '"+"textEnds"+"'"};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
if(data.sampling === undefined){
const err8 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "sampling"},message:"must have required property '"+"sampling"+"'"};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
if(data.training === undefined){
const err9 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "training"},message:"must have required property '"+"training"+"'"};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
if(data.entropy === undefined){
const err10 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "entropy"},message:"must have required property '"+"entropy"+"'"};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
if(data.ratio === undefined){
const err11 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "ratio"},message:"must have required property '"+"ratio"+"'"};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
if(data.weight === undefined){
const err12 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "weight"},message:"must have required property '"+"weight"+"'"};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
if(data.advantage === undefined){
const err13 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "advantage"},message:"must have required property '"+"advantage"+"'"};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
if(data.return === undefined){
const err14 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "return"},message:"must have required property '"+"return"+"'"};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
if(data.reward === undefined){
const err15 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "reward"},message:"must have required property '"+"reward"+"'"};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
for(const key0 in data){
if(!(func1.call(schema92.properties, key0))){
const err16 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
}
if(data.runId !== undefined){
let data0 = data.runId;
if(typeof data0 === "string"){
if(func2(data0) < 1){
const err17 = {instancePath:instancePath+"/runId",schemaPath:"#/properties/runId/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
}
else {
const err18 = {instancePath:instancePath+"/runId",schemaPath:"#/properties/runId/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
}
if(data.step !== undefined){
let data1 = data.step;
if(!(((typeof data1 == "number") && (!(data1 % 1) && !isNaN(data1))) && (isFinite(data1)))){
const err19 = {instancePath:instancePath+"/step",schemaPath:"#/properties/step/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err19];
}
else {
vErrors.push(err19);
}
errors++;
}
if((typeof data1 == "number") && (isFinite(data1))){
if(data1 < 0 || isNaN(data1)){
const err20 = {instancePath:instancePath+"/step",schemaPath:"#/properties/step/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err20];
}
else {
vErrors.push(err20);
}
errors++;
}
}
}
if(data.split !== undefined){
let data2 = data.split;
if(typeof data2 === "string"){
if(func2(data2) < 1){
const err21 = {instancePath:instancePath+"/split",schemaPath:"#/properties/split/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err21];
}
else {
vErrors.push(err21);
}
errors++;
}
}
else {
const err22 = {instancePath:instancePath+"/split",schemaPath:"#/properties/split/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err22];
}
else {
vErrors.push(err22);
}
errors++;
}
}
if(data.episode !== undefined){
let data3 = data.episode;
if(!(((typeof data3 == "number") && (!(data3 % 1) && !isNaN(data3))) && (isFinite(data3)))){
const err23 = {instancePath:instancePath+"/episode",schemaPath:"#/properties/episode/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err23];
}
else {
vErrors.push(err23);
}
errors++;
}
if((typeof data3 == "number") && (isFinite(data3))){
if(data3 < 0 || isNaN(data3)){
const err24 = {instancePath:instancePath+"/episode",schemaPath:"#/properties/episode/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err24];
}
else {
vErrors.push(err24);
}
errors++;
}
}
}
if(data.turn !== undefined){
let data4 = data.turn;
if(!(((typeof data4 == "number") && (!(data4 % 1) && !isNaN(data4))) && (isFinite(data4)))){
const err25 = {instancePath:instancePath+"/turn",schemaPath:"#/properties/turn/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err25];
}
else {
vErrors.push(err25);
}
errors++;
}
if((typeof data4 == "number") && (isFinite(data4))){
if(data4 < 0 || isNaN(data4)){
const err26 = {instancePath:instancePath+"/turn",schemaPath:"#/properties/turn/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err26];
}
else {
vErrors.push(err26);
}
errors++;
}
}
}
if(data.update !== undefined){
let data5 = data.update;
if(!(((typeof data5 == "number") && (!(data5 % 1) && !isNaN(data5))) && (isFinite(data5)))){
const err27 = {instancePath:instancePath+"/update",schemaPath:"#/properties/update/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err27];
}
else {
vErrors.push(err27);
}
errors++;
}
if((typeof data5 == "number") && (isFinite(data5))){
if(data5 < 1 || isNaN(data5)){
const err28 = {instancePath:instancePath+"/update",schemaPath:"#/properties/update/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err28];
}
else {
vErrors.push(err28);
}
errors++;
}
}
}
if(data.tokens !== undefined){
let data6 = data.tokens;
if(!(((typeof data6 == "number") && (!(data6 % 1) && !isNaN(data6))) && (isFinite(data6)))){
const err29 = {instancePath:instancePath+"/tokens",schemaPath:"#/properties/tokens/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err29];
}
else {
vErrors.push(err29);
}
errors++;
}
if((typeof data6 == "number") && (isFinite(data6))){
if(data6 < 1 || isNaN(data6)){
const err30 = {instancePath:instancePath+"/tokens",schemaPath:"#/properties/tokens/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err30];
}
else {
vErrors.push(err30);
}
errors++;
}
}
}
if(data.ids !== undefined){
let data7 = data.ids;
if(typeof data7 === "string"){
if(!pattern15.test(data7)){
const err31 = {instancePath:instancePath+"/ids",schemaPath:"#/$defs/int32/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9+/]*={0,2}$"},message:"must match pattern \""+"^[A-Za-z0-9+/]*={0,2}$"+"\""};
if(vErrors === null){
vErrors = [err31];
}
else {
vErrors.push(err31);
}
errors++;
}
}
else {
const err32 = {instancePath:instancePath+"/ids",schemaPath:"#/$defs/int32/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err32];
}
else {
vErrors.push(err32);
}
errors++;
}
}
if(data.textEnds !== undefined){
let data8 = data.textEnds;
if(typeof data8 === "string"){
if(!pattern15.test(data8)){
const err33 = {instancePath:instancePath+"/textEnds",schemaPath:"#/$defs/int32/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9+/]*={0,2}$"},message:"must match pattern \""+"^[A-Za-z0-9+/]*={0,2}$"+"\""};
if(vErrors === null){
vErrors = [err33];
}
else {
vErrors.push(err33);
}
errors++;
}
}
else {
const err34 = {instancePath:instancePath+"/textEnds",schemaPath:"#/$defs/int32/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err34];
}
else {
vErrors.push(err34);
}
errors++;
}
}
if(data.sampling !== undefined){
let data9 = data.sampling;
if(typeof data9 === "string"){
if(!pattern15.test(data9)){
const err35 = {instancePath:instancePath+"/sampling",schemaPath:"#/$defs/float32/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9+/]*={0,2}$"},message:"must match pattern \""+"^[A-Za-z0-9+/]*={0,2}$"+"\""};
if(vErrors === null){
vErrors = [err35];
}
else {
vErrors.push(err35);
}
errors++;
}
}
else {
const err36 = {instancePath:instancePath+"/sampling",schemaPath:"#/$defs/float32/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err36];
}
else {
vErrors.push(err36);
}
errors++;
}
}
if(data.training !== undefined){
let data10 = data.training;
if(typeof data10 === "string"){
if(!pattern15.test(data10)){
const err37 = {instancePath:instancePath+"/training",schemaPath:"#/$defs/float32/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9+/]*={0,2}$"},message:"must match pattern \""+"^[A-Za-z0-9+/]*={0,2}$"+"\""};
if(vErrors === null){
vErrors = [err37];
}
else {
vErrors.push(err37);
}
errors++;
}
}
else {
const err38 = {instancePath:instancePath+"/training",schemaPath:"#/$defs/float32/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err38];
}
else {
vErrors.push(err38);
}
errors++;
}
}
if(data.entropy !== undefined){
let data11 = data.entropy;
if(typeof data11 === "string"){
if(!pattern15.test(data11)){
const err39 = {instancePath:instancePath+"/entropy",schemaPath:"#/$defs/float32/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9+/]*={0,2}$"},message:"must match pattern \""+"^[A-Za-z0-9+/]*={0,2}$"+"\""};
if(vErrors === null){
vErrors = [err39];
}
else {
vErrors.push(err39);
}
errors++;
}
}
else {
const err40 = {instancePath:instancePath+"/entropy",schemaPath:"#/$defs/float32/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err40];
}
else {
vErrors.push(err40);
}
errors++;
}
}
if(data.ratio !== undefined){
let data12 = data.ratio;
if(typeof data12 === "string"){
if(!pattern15.test(data12)){
const err41 = {instancePath:instancePath+"/ratio",schemaPath:"#/$defs/float32/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9+/]*={0,2}$"},message:"must match pattern \""+"^[A-Za-z0-9+/]*={0,2}$"+"\""};
if(vErrors === null){
vErrors = [err41];
}
else {
vErrors.push(err41);
}
errors++;
}
}
else {
const err42 = {instancePath:instancePath+"/ratio",schemaPath:"#/$defs/float32/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err42];
}
else {
vErrors.push(err42);
}
errors++;
}
}
if(data.weight !== undefined){
let data13 = data.weight;
if(typeof data13 === "string"){
if(!pattern15.test(data13)){
const err43 = {instancePath:instancePath+"/weight",schemaPath:"#/$defs/float32/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9+/]*={0,2}$"},message:"must match pattern \""+"^[A-Za-z0-9+/]*={0,2}$"+"\""};
if(vErrors === null){
vErrors = [err43];
}
else {
vErrors.push(err43);
}
errors++;
}
}
else {
const err44 = {instancePath:instancePath+"/weight",schemaPath:"#/$defs/float32/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err44];
}
else {
vErrors.push(err44);
}
errors++;
}
}
if(data.advantage !== undefined){
let data14 = data.advantage;
if(!((typeof data14 == "number") && (isFinite(data14)))){
const err45 = {instancePath:instancePath+"/advantage",schemaPath:"#/properties/advantage/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err45];
}
else {
vErrors.push(err45);
}
errors++;
}
}
if(data.value !== undefined){
let data15 = data.value;
if((!((typeof data15 == "number") && (isFinite(data15)))) && (data15 !== null)){
const err46 = {instancePath:instancePath+"/value",schemaPath:"#/properties/value/type",keyword:"type",params:{type: schema92.properties.value.type},message:"must be number,null"};
if(vErrors === null){
vErrors = [err46];
}
else {
vErrors.push(err46);
}
errors++;
}
}
if(data.return !== undefined){
let data16 = data.return;
if(!((typeof data16 == "number") && (isFinite(data16)))){
const err47 = {instancePath:instancePath+"/return",schemaPath:"#/properties/return/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err47];
}
else {
vErrors.push(err47);
}
errors++;
}
}
if(data.reward !== undefined){
let data17 = data.reward;
if(!((typeof data17 == "number") && (isFinite(data17)))){
const err48 = {instancePath:instancePath+"/reward",schemaPath:"#/properties/reward/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err48];
}
else {
vErrors.push(err48);
}
errors++;
}
}
if(data.clip !== undefined){
let data18 = data.clip;
if((typeof data18 == "number") && (isFinite(data18))){
if(data18 <= 0 || isNaN(data18)){
const err49 = {instancePath:instancePath+"/clip",schemaPath:"#/properties/clip/exclusiveMinimum",keyword:"exclusiveMinimum",params:{comparison: ">", limit: 0},message:"must be > 0"};
if(vErrors === null){
vErrors = [err49];
}
else {
vErrors.push(err49);
}
errors++;
}
}
else {
const err50 = {instancePath:instancePath+"/clip",schemaPath:"#/properties/clip/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err50];
}
else {
vErrors.push(err50);
}
errors++;
}
}
}
else {
const err51 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err51];
}
else {
vErrors.push(err51);
}
errors++;
}
validate49.errors = vErrors;
return errors === 0;
}
validate49.evaluated = {"props":true,"dynamicProps":false,"dynamicItems":false};


export const validators = {
  'episode-record.schema.json': episodeRecord,
  'eval-summary.schema.json': evalSummary,
  'experiment.schema.json': experiment,
  'metric-record.schema.json': metricRecord,
  'run-manifest.schema.json': runManifest,
  'token-record.schema.json': tokenRecord,
};
